package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// OCI media types (image-spec v1).
const (
	mediaManifest = "application/vnd.oci.image.manifest.v1+json"
	mediaIndex    = "application/vnd.oci.image.index.v1+json"
	mediaConfig   = "application/vnd.oci.image.config.v1+json"
	mediaLayer    = "application/vnd.oci.image.layer.v1.tar+gzip"
)

// ociEntrypoint and ociCmd are the image's default process: the
// controller on every address. `docker run IMAGE switch --ports ...` (or
// the OCI runtime's process.args) picks the switch.
var (
	ociEntrypoint = []string{"/ofbox"}
	ociCmd        = []string{"controller", "--listen", "tcp::6653"}
)

type ociDescriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

type ociConfig struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
	Config       struct {
		Entrypoint []string `json:"Entrypoint"`
		Cmd        []string `json:"Cmd"`
	} `json:"config"`
	RootFS struct {
		Type    string   `json:"type"`
		DiffIDs []string `json:"diff_ids"`
	} `json:"rootfs"`
}

type ociManifest struct {
	SchemaVersion int             `json:"schemaVersion"`
	MediaType     string          `json:"mediaType"`
	Config        ociDescriptor   `json:"config"`
	Layers        []ociDescriptor `json:"layers"`
}

type ociIndex struct {
	SchemaVersion int             `json:"schemaVersion"`
	MediaType     string          `json:"mediaType"`
	Manifests     []ociDescriptor `json:"manifests"`
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// layerTar is the image's one layer: the binary as /ofbox, nothing else
// (FROM scratch). It returns the uncompressed tar and its gzip form.
func layerTar(bin []byte) (raw, gz []byte, err error) {
	var t bytes.Buffer
	tw := tar.NewWriter(&t)
	if err := tw.WriteHeader(&tar.Header{Name: "ofbox", Mode: 0o755, Size: int64(len(bin)),
		ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}); err != nil {
		return nil, nil, err
	}
	if _, err := tw.Write(bin); err != nil {
		return nil, nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, nil, err
	}
	var z bytes.Buffer
	zw, err := gzip.NewWriterLevel(&z, gzip.BestCompression)
	if err != nil {
		return nil, nil, err
	}
	zw.Write(t.Bytes())
	if err := zw.Close(); err != nil {
		return nil, nil, err
	}
	return t.Bytes(), z.Bytes(), nil
}

// writeOCI writes an OCI image layout as one tar stream: oci-layout,
// index.json (tag "latest") and the blobs of the manifest, the config and
// the layer. Every byte is a function of the binary.
func writeOCI(w io.Writer, bin []byte) error {
	raw, gz, err := layerTar(bin)
	if err != nil {
		return fmt.Errorf("oci: layer: %w", err)
	}
	var cfg ociConfig
	cfg.Architecture, cfg.OS = "amd64", "linux"
	cfg.Config.Entrypoint, cfg.Config.Cmd = ociEntrypoint, ociCmd
	cfg.RootFS.Type, cfg.RootFS.DiffIDs = "layers", []string{digest(raw)}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	man := ociManifest{SchemaVersion: 2, MediaType: mediaManifest,
		Config: ociDescriptor{MediaType: mediaConfig, Digest: digest(cfgJSON), Size: int64(len(cfgJSON))},
		Layers: []ociDescriptor{{MediaType: mediaLayer, Digest: digest(gz), Size: int64(len(gz))}}}
	manJSON, err := json.Marshal(man)
	if err != nil {
		return err
	}
	idx := ociIndex{SchemaVersion: 2, MediaType: mediaIndex, Manifests: []ociDescriptor{{MediaType: mediaManifest,
		Digest: digest(manJSON), Size: int64(len(manJSON)),
		Annotations: map[string]string{"org.opencontainers.image.ref.name": "latest"}}}}
	idxJSON, err := json.Marshal(idx)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(w)
	dir := func(name string) error {
		return tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Typeflag: tar.TypeDir, ModTime: time.Unix(0, 0), Format: tar.FormatUSTAR})
	}
	file := func(name string, b []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg,
			ModTime: time.Unix(0, 0), Format: tar.FormatUSTAR}); err != nil {
			return err
		}
		_, err := tw.Write(b)
		return err
	}
	blob := func(b []byte) string { return "blobs/sha256/" + digest(b)[len("sha256:"):] }
	for _, step := range []func() error{
		func() error { return file("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)) },
		func() error { return file("index.json", idxJSON) },
		func() error { return dir("blobs/") },
		func() error { return dir("blobs/sha256/") },
		func() error { return file(blob(manJSON), manJSON) },
		func() error { return file(blob(cfgJSON), cfgJSON) },
		func() error { return file(blob(gz), gz) },
		tw.Close,
	} {
		if err := step(); err != nil {
			return fmt.Errorf("oci: %w", err)
		}
	}
	return nil
}
