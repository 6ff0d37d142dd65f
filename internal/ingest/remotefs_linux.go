package ingest

import "golang.org/x/sys/unix"

// networkFS are the magic numbers (statfs f_type) of file systems whose
// changes made by another machine raise no inotify event here.
var networkFS = map[int64]string{
	0x6969:     "nfs",
	0xff534d42: "cifs",
	0xfe534d42: "smb2",
	0x517b:     "smb",
	0x01021997: "9p",
	0x65735546: "fuse", // sshfs and friends
	0x564c:     "ncp",
	0x73757245: "coda",
	0x5346414f: "afs",
	0x6b414653: "afs",
	0x00c36400: "ceph",
}

// remoteFS reports whether dir sits on a network file system, and which.
func remoteFS(dir string) (string, bool) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return "", false
	}
	name, ok := networkFS[int64(st.Type)]
	return name, ok
}
