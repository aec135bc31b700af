/* StrictModes: a key file is only believed when nobody but its user and
 * root could have written it or replaced it along the path. As OpenSSH
 * does, the walk upwards ends at the user's home directory (checked too):
 * above it the administrator's layout is not the user's to answer for. A
 * file outside the home is checked all the way up to "/". */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "services/user.h"
#include "transport/err.h"

static int trusted(const struct stat *st, uid_t uid)
{
	return (st->st_uid == 0 || st->st_uid == uid) && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

int secure_file(int fd, const char *path, uid_t uid, const char *home, char *err, size_t errlen)
{
	struct stat st;
	char *real, *slash, *homereal;
	int e = SSH_OK;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", path);
		return SSH_ERR_FILE;
	}
	if (!trusted(&st, uid)) {
		snprintf(err, errlen, "bad ownership or modes for file %s", path);
		return SSH_ERR_FILE;
	}
	/* the directories as they really are, symlinks resolved */
	if (!(real = realpath(path, NULL))) {
		snprintf(err, errlen, "realpath %s: %s", path, strerror(errno));
		return SSH_ERR_FILE;
	}
	homereal = home && *home ? realpath(home, NULL) : NULL;
	while ((slash = strrchr(real, '/')) != NULL) {
		if (slash == real)
			slash[1] = 0; /* keep "/" itself */
		else
			*slash = 0;
		if (stat(real, &st) != 0 || !S_ISDIR(st.st_mode) || !trusted(&st, uid)) {
			snprintf(err, errlen, "bad ownership or modes for directory %s", real);
			e = SSH_ERR_FILE;
			break;
		}
		if (slash == real || (homereal && !strcmp(real, homereal)))
			break;
	}
	free(homereal);
	free(real);
	return e;
}
