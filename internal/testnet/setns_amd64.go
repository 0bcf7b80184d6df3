package testnet

// sysSetns is setns(2) on linux/amd64; package syscall does not name it and
// golang.org/x/sys/unix would be this package's only module dependency.
const sysSetns = 308
