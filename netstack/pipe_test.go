package netstack

import (
	"bytes"
	"errors"
	"net"
	"sync"
	"testing"
	"time"
)

// Both device types satisfy Device.
var (
	_ Device = (*PipeDevice)(nil)
	_ Device = (*PacketDevice)(nil)
)

func frame(n int, seed byte) []byte {
	f := make([]byte, n)
	for i := range f {
		f[i] = seed + byte(i)
	}
	return f
}

func batch(n, size int) ([][]byte, []int) {
	bufs := make([][]byte, n)
	for i := range bufs {
		bufs[i] = make([]byte, size)
	}
	return bufs, make([]int, n)
}

func TestPipeReadWrite(t *testing.T) {
	tests := []struct {
		name          string
		frames, batch int
		wantFirstRead int
	}{
		{"one", 1, 8, 1},
		{"batch", 5, 8, 5},
		{"more than a batch", 12, 8, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := Pipe()
			defer a.Close()
			defer b.Close()
			const offset = 4
			var in [][]byte
			for i := range tt.frames {
				f := append(make([]byte, offset), frame(60+i, byte(i))...)
				in = append(in, f)
			}
			if n, err := a.Write(in, offset); n != tt.frames || err != nil {
				t.Fatalf("Write(%d frames) = %d, %v; want %d, nil", tt.frames, n, err, tt.frames)
			}
			bufs, sizes := batch(tt.batch, 2048)
			var got [][]byte
			for len(got) < tt.frames {
				n, err := b.Read(bufs, sizes, offset)
				if err != nil {
					t.Fatalf("Read = %v", err)
				}
				if len(got) == 0 && n != tt.wantFirstRead {
					t.Errorf("first Read = %d; want %d", n, tt.wantFirstRead)
				}
				for i := range n {
					got = append(got, bytes.Clone(bufs[i][offset:offset+sizes[i]]))
				}
			}
			for i := range in {
				if !bytes.Equal(got[i], in[i][offset:]) {
					t.Errorf("frame %d = %x; want %x", i, got[i], in[i][offset:])
				}
			}
			if s := a.Stats(); s.TxFrames != uint64(tt.frames) {
				t.Errorf("a.Stats().TxFrames = %d; want %d", s.TxFrames, tt.frames)
			}
			if s := b.Stats(); s.RxFrames != uint64(tt.frames) {
				t.Errorf("b.Stats().RxFrames = %d; want %d", s.RxFrames, tt.frames)
			}
		})
	}
}

func TestPipeDrops(t *testing.T) {
	a, b := NewPipe(PipeConfig{MTU: 100, Queue: 2})
	defer a.Close()
	defer b.Close()
	// Three fit-sized frames into a queue of two, and one oversized.
	in := [][]byte{frame(60, 1), frame(60, 2), frame(60, 3), frame(200, 4)}
	if n, _ := a.Write(in, 0); n != 2 {
		t.Errorf("Write = %d; want 2", n)
	}
	if s := a.Stats(); s.TxDropped != 2 {
		t.Errorf("TxDropped = %d; want 2", s.TxDropped)
	}
	// A too-small read buffer drops on the reader's side.
	bufs, sizes := batch(4, 10)
	bufs[1] = make([]byte, 100)
	n, err := b.Read(bufs[1:], sizes[1:], 0)
	if n != 1 || err != nil || !bytes.Equal(bufs[1][:sizes[1]], frame(60, 1)) {
		t.Errorf("Read = %d, %v, %x; want 1, nil, frame 1", n, err, bufs[1][:sizes[1]])
	}
	if s := b.Stats(); s.RxDropped != 1 {
		t.Errorf("RxDropped = %d; want 1", s.RxDropped)
	}
}

func TestPipeClose(t *testing.T) {
	a, b := Pipe()
	errc := make(chan error, 1)
	go func() {
		bufs, sizes := batch(4, 2048)
		_, err := b.Read(bufs, sizes, 0)
		errc <- err
	}()
	time.Sleep(10 * time.Millisecond)
	b.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("Read after Close = %v; want net.ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read did not return after Close")
	}
	if a.LinkUp() {
		t.Error("a.LinkUp() = true after b.Close; want false")
	}
	if n, err := a.Write([][]byte{frame(60, 0)}, 0); n != 0 || err != nil {
		t.Errorf("Write to closed peer = %d, %v; want 0, nil", n, err)
	}
	if _, err := b.Write([][]byte{frame(60, 0)}, 0); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Write on closed end = %v; want net.ErrClosed", err)
	}
}

func TestPipeConcurrent(t *testing.T) {
	a, b := NewPipe(PipeConfig{Queue: 4096})
	const total = 2000
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		in := [][]byte{frame(60, 0), frame(61, 1)}
		for i := 0; i < total; i += 2 {
			a.Write(in, 0)
		}
	}()
	bufs, sizes := batch(pipeBatch, 2048)
	got := 0
	for got < total {
		n, err := b.Read(bufs, sizes, 0)
		if err != nil {
			t.Fatal(err)
		}
		got += n
	}
	wg.Wait()
	a.Close()
	b.Close()
}

func TestPipeAllocs(t *testing.T) {
	a, b := Pipe()
	defer a.Close()
	defer b.Close()
	in := [][]byte{frame(60, 0), frame(1514, 1)}
	bufs, sizes := batch(pipeBatch, 2048)
	allocs := testing.AllocsPerRun(1000, func() {
		a.Write(in, 0)
		b.Read(bufs, sizes, 0)
	})
	if allocs != 0 {
		t.Errorf("Write+Read allocs = %v; want 0", allocs)
	}
}

func BenchmarkPipe(b *testing.B) {
	x, y := Pipe()
	defer x.Close()
	defer y.Close()
	in, _ := batch(32, 60)
	bufs, sizes := batch(pipeBatch, 2048)
	b.ReportAllocs()
	for b.Loop() {
		x.Write(in, 0)
		for got := 0; got < len(in); {
			n, _ := y.Read(bufs, sizes, 0)
			got += n
		}
	}
	b.ReportMetric(float64(b.N*len(in))/b.Elapsed().Seconds(), "frames/s")
}
