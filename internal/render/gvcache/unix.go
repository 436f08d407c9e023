//go:build linux || darwin

package gvcache

import (
	"errors"
	"io/fs"
	"os"
	"strconv"
	"syscall"
)

// ownedBySelf refuses a file or folder of another user: its content could
// be anything, and this user may not be able to read or replace it.
func ownedBySelf(info fs.FileInfo) error {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return errors.New(info.Name() + ": owner unknown")
	}
	if int(st.Uid) != os.Geteuid() {
		return errors.New(info.Name() + " belongs to user " + strconv.Itoa(int(st.Uid)))
	}
	return nil
}

// writable asks the kernel whether this user may create files in path
// (read-only mounts included).
func writable(path string) error {
	const wOK, xOK = 0x2, 0x1
	if err := syscall.Access(path, wOK|xOK); err != nil {
		return errors.New(path + ": " + err.Error())
	}
	return nil
}

// roomToWrite refuses a folder on a nearly full file system, or a process
// whose file size limit is below the size of a cache entry: go-graphviz
// would fail to write the compiled module, and fail hard.
func roomToWrite(path string) error {
	var fsys syscall.Statfs_t
	if err := syscall.Statfs(path, &fsys); err != nil {
		return err
	}
	if free := uint64(fsys.Bavail) * uint64(fsys.Bsize); free < minFree {
		return errors.New(path + ": only " + strconv.FormatUint(free>>20, 10) + " MiB free")
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		return err
	}
	// No limit reads as the largest number.
	if lim.Cur < minFree {
		return errors.New("file size limit of " + strconv.FormatUint(uint64(lim.Cur), 10) + " bytes")
	}
	return nil
}
