package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"

	"github.com/ofbox/ofbox/image"
)

// imageMain is `ofbox image`: write the VM image (kernel, initramfs with
// this binary as /init) and the scratch OCI image into a directory.
func imageMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ofbox image", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kernel := fs.String("kernel", image.KernelMinimal, "the kernel: minimal (built once from Debian's linux-source-6.1, cached) or debian (linux-image-cloud-amd64 and its virtio modules)")
	out := fs.String("out", "", "the output `DIR` (default out/image/KERNEL, where ofbox vm looks)")
	binary := fs.String("binary", "", "the ofbox binary to put in the image (default this one)")
	var files []image.File
	fs.Func("file", "`SRC=DST`: add the file SRC to the VM's initramfs at the absolute path DST, such as TLS certificates and keys for ofbox.cert=, ofbox.key=, ofbox.ca= (repeatable)", func(s string) error {
		f, err := image.ParseFile(s)
		if err != nil {
			return err
		}
		files = append(files, f)
		return nil
	})
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ofbox image [--kernel minimal|debian] [--out DIR] [--binary PATH] [--file SRC=DST]...")
		fs.PrintDefaults()
	}
	if rc, ok := parseFlags(fs, args, stderr); !ok {
		return rc
	}
	if *kernel != image.KernelMinimal && *kernel != image.KernelDebian {
		fmt.Fprintf(stderr, "ofbox image: --kernel %q: want minimal or debian\n", *kernel)
		return 2
	}
	res, err := image.Build(ctx, image.Options{Kernel: *kernel, Out: *out, Binary: *binary, Progress: stderr, Files: files})
	if err != nil {
		fmt.Fprintf(stderr, "ofbox %v\n", err)
		return 1
	}
	names := make([]string, 0, len(res.Files))
	for n := range res.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(stdout, "ofbox image: %s kernel %s in %s\n", res.Kernel, res.KernelVersion, res.Dir)
	for _, n := range names {
		fmt.Fprintf(stdout, "  %-14s %8.2f MB\n", n, float64(res.Files[n])/1e6)
	}
	fmt.Fprintf(stdout, "  kernel+initrd  %8.2f MB (MB: 10^6 bytes)\n", float64(res.Files["kernel"]+res.Files["initrd"])/1e6)
	return 0
}
