/* SFTP file attributes (filexfer-02 5): reading, writing, from stat(2),
 * applied by SETSTAT and friends, and ls -l's long names. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "services/sftp.h"

int sftp_rd_attr(struct rd *r, struct sftp_attr *a)
{
	uint32_t count;
	int e;
	memset(a, 0, sizeof *a);
	/* flags, then each field the flags name, in order */
	if ((e = rd_u32(r, &a->flags)) != SSH_OK)
		return e;
	if ((a->flags & SSH_FILEXFER_ATTR_SIZE) && (e = rd_u64(r, &a->size)) != SSH_OK)
		return e;
	if ((a->flags & SSH_FILEXFER_ATTR_UIDGID) &&
	    ((e = rd_u32(r, &a->uid)) != SSH_OK || (e = rd_u32(r, &a->gid)) != SSH_OK))
		return e;
	if ((a->flags & SSH_FILEXFER_ATTR_PERMISSIONS) && (e = rd_u32(r, &a->perm)) != SSH_OK)
		return e;
	if ((a->flags & SSH_FILEXFER_ATTR_ACMODTIME) &&
	    ((e = rd_u32(r, &a->atime)) != SSH_OK || (e = rd_u32(r, &a->mtime)) != SSH_OK))
		return e;
	if (!(a->flags & SSH_FILEXFER_ATTR_EXTENDED))
		return SSH_OK;
	/* extended count, then type and data pairs, none understood */
	if ((e = rd_u32(r, &count)) != SSH_OK)
		return e;
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *type, *data;
		size_t tlen, dlen;
		if ((e = rd_string(r, &type, &tlen)) != SSH_OK || (e = rd_string(r, &data, &dlen)) != SSH_OK)
			return e;
	}
	return SSH_OK;
}

void sftp_put_attr(struct buf *b, const struct sftp_attr *a)
{
	uint32_t f = a->flags & ~SSH_FILEXFER_ATTR_EXTENDED;
	buf_u32(b, f);
	if (f & SSH_FILEXFER_ATTR_SIZE)
		buf_u64(b, a->size);
	if (f & SSH_FILEXFER_ATTR_UIDGID) {
		buf_u32(b, a->uid);
		buf_u32(b, a->gid);
	}
	if (f & SSH_FILEXFER_ATTR_PERMISSIONS)
		buf_u32(b, a->perm);
	if (f & SSH_FILEXFER_ATTR_ACMODTIME) {
		buf_u32(b, a->atime);
		buf_u32(b, a->mtime);
	}
}

void sftp_stat_attr(const struct stat *st, struct sftp_attr *a)
{
	a->flags = SSH_FILEXFER_ATTR_SIZE | SSH_FILEXFER_ATTR_UIDGID | SSH_FILEXFER_ATTR_PERMISSIONS |
		   SSH_FILEXFER_ATTR_ACMODTIME;
	a->size = (uint64_t)st->st_size;
	a->uid = st->st_uid;
	a->gid = st->st_gid;
	a->perm = st->st_mode;
	a->atime = (uint32_t)st->st_atime;
	a->mtime = (uint32_t)st->st_mtime;
}

static int set_times(const char *path, int fd, int nofollow, const struct sftp_attr *a)
{
	struct timespec ts[2] = {{(time_t)a->atime, 0}, {(time_t)a->mtime, 0}};
	if (fd >= 0)
		return futimens(fd, ts);
	return utimensat(AT_FDCWD, path, ts, nofollow ? AT_SYMLINK_NOFOLLOW : 0);
}

/* sftp-server's process_setstat: each attribute in turn, the last failure
 * reported, each change logged */
int sftp_apply(struct sftp *s, const char *path, int fd, int nofollow, const struct sftp_attr *a)
{
	int st = SSH_FX_OK;
	if (a->flags & SSH_FILEXFER_ATTR_SIZE) {
		sftp_log(s, LOG_INFO, "set \"%s\" size %llu", path, (unsigned long long)a->size);
		if (nofollow)
			st = SSH_FX_OP_UNSUPPORTED;
		else if ((fd >= 0 ? ftruncate(fd, (off_t)a->size) : truncate(path, (off_t)a->size)) < 0)
			st = sftp_errno(errno);
	}
	if (a->flags & SSH_FILEXFER_ATTR_PERMISSIONS) {
		sftp_log(s, LOG_INFO, "set \"%s\" mode %04o", path, a->perm & 07777);
		if ((fd >= 0 ? fchmod(fd, a->perm & 07777)
			     : fchmodat(AT_FDCWD, path, a->perm & 07777, nofollow ? AT_SYMLINK_NOFOLLOW : 0)) < 0)
			st = sftp_errno(errno);
	}
	if (a->flags & SSH_FILEXFER_ATTR_ACMODTIME) {
		char t[64];
		time_t m = (time_t)a->mtime;
		struct tm tm;
		strftime(t, sizeof t, "%Y%m%d-%H:%M:%S", localtime_r(&m, &tm));
		sftp_log(s, LOG_INFO, "set \"%s\" modtime %s", path, t);
		if (set_times(path, fd, nofollow, a) < 0)
			st = sftp_errno(errno);
	}
	if (a->flags & SSH_FILEXFER_ATTR_UIDGID) {
		sftp_log(s, LOG_INFO, "set \"%s\" owner %lu group %lu", path, (unsigned long)a->uid,
			 (unsigned long)a->gid);
		if ((fd >= 0 ? fchown(fd, a->uid, a->gid)
			     : fchownat(AT_FDCWD, path, a->uid, a->gid, nofollow ? AT_SYMLINK_NOFOLLOW : 0)) < 0)
			st = sftp_errno(errno);
	}
	return st;
}

static void mode_string(mode_t m, char *p)
{
	static const char rwx[] = "rwxrwxrwx";
	p[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' : S_ISFIFO(m) ? 'p'
	     : S_ISSOCK(m) ? 's' : '-';
	for (int i = 0; i < 9; i++)
		p[1 + i] = m & (0400 >> i) ? rwx[i] : '-';
	if (m & S_ISUID)
		p[3] = m & S_IXUSR ? 's' : 'S';
	if (m & S_ISGID)
		p[6] = m & S_IXGRP ? 's' : 'S';
	if (m & S_ISVTX)
		p[9] = m & S_IXOTH ? 't' : 'T';
	p[10] = 0;
}

/* sftp-server's ls_file: names of the owner and group when known, the
 * time with the year when older than half a year */
void sftp_longname(char *out, size_t n, const char *name, const struct stat *st)
{
	char mode[11], user[32], group[32], when[32];
	struct passwd *pw = getpwuid(st->st_uid);
	struct group *gr = getgrgid(st->st_gid);
	time_t now = time(NULL);
	struct tm tm;
	mode_string(st->st_mode, mode);
	if (pw)
		snprintf(user, sizeof user, "%s", pw->pw_name);
	else
		snprintf(user, sizeof user, "%u", (unsigned)st->st_uid);
	if (gr)
		snprintf(group, sizeof group, "%s", gr->gr_name);
	else
		snprintf(group, sizeof group, "%u", (unsigned)st->st_gid);
	localtime_r(&st->st_mtime, &tm);
	if (st->st_mtime + (365 * 86400) / 2 < now || st->st_mtime > now + 3600)
		strftime(when, sizeof when, "%b %e  %Y", &tm);
	else
		strftime(when, sizeof when, "%b %e %H:%M", &tm);
	snprintf(out, n, "%s %3u %-8s %-8s %8llu %s %s", mode, (unsigned)st->st_nlink, user, group,
		 (unsigned long long)st->st_size, when, name);
}
