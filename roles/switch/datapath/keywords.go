package datapath

import (
	"math/bits"
	"unsafe"

	"github.com/ofbox/ofbox/openflow/flow"
)

// keyWords is the size of flow.Key in 64-bit words. flow.Key holds uint64
// fields, so it is 8-byte aligned and its size a multiple of 8; viewing it
// as words lets masking, hashing and the overlap tests run over whole
// words instead of field by field.
const keyWords = unsafe.Sizeof(flow.Key{}) / 8

// valid has every bit of a flow.Key's fields set and its padding clear:
// the word functions AND with it so that padding never counts.
var valid = func() (v flow.Key) {
	ones := [16]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	w := words(&v)
	for i := range w {
		w[i] = 0
	}
	for f := range flow.NumFields {
		v.Set(f, ones[:f.Len()])
	}
	return v
}()

func words(k *flow.Key) *[keyWords]uint64 { return (*[keyWords]uint64)(unsafe.Pointer(k)) }

// hashKey hashes a key for the exact-match cache and select groups. Four
// independent lanes keep the multiplies in flight at once; a serial chain
// over the 21 words costs three times as much.
func hashKey(k *flow.Key) uint64 {
	const m = 0xff51afd7ed558ccd
	w, v := words(k), words(&valid)
	h0, h1, h2, h3 := uint64(0x9e3779b97f4a7c15), uint64(0xc2b2ae3d27d4eb4f), uint64(0x165667b19e3779f9), uint64(0x27d4eb2f165667c5)
	i := 0
	for ; i+4 <= len(w); i += 4 {
		h0 = (h0 ^ w[i]&v[i]) * m
		h1 = (h1 ^ w[i+1]&v[i+1]) * m
		h2 = (h2 ^ w[i+2]&v[i+2]) * m
		h3 = (h3 ^ w[i+3]&v[i+3]) * m
	}
	for ; i < len(w); i++ {
		h0 = (h0 ^ w[i]&v[i]) * m
	}
	h := h0 ^ bits.RotateLeft64(h1, 17) ^ bits.RotateLeft64(h2, 31) ^ bits.RotateLeft64(h3, 47)
	h ^= h >> 33
	h *= m
	h ^= h >> 29
	return h
}

// overlaps reports whether some packet matches both a and b.
func overlaps(a, b *flow.Match) bool {
	ak, am, bk, bm, v := words(&a.Key), words(&a.Mask), words(&b.Key), words(&b.Mask), words(&valid)
	for i := range ak {
		if (ak[i]^bk[i])&am[i]&bm[i]&v[i] != 0 {
			return false
		}
	}
	return true
}

// within reports whether every packet e matches also matches m: m's mask is
// a subset of e's and they agree under it. Non-strict modify and delete
// select the entries within their match.
func within(e, m *flow.Match) bool {
	ek, em, mk, mm, v := words(&e.Key), words(&e.Mask), words(&m.Key), words(&m.Mask), words(&valid)
	for i := range ek {
		if em[i]&mm[i]&v[i] != mm[i]&v[i] || ek[i]&mm[i]&v[i] != mk[i]&v[i] {
			return false
		}
	}
	return true
}
