#ifndef SSHL_VERSION_H
#define SSHL_VERSION_H

#define SSHD_LITE_VERSION "0.1"

struct conn;
/* queues our identification string */
int version_send(struct conn *c);
/* reads the client's identification line within the login grace time;
 * SSH_ERR_VERSION for anything but SSH-2.0- or SSH-1.99- */
int version_recv(struct conn *c);
/* SSH_OK when the NUL-terminated identification string v is one
 * version_recv accepts (SSH-2.0- or SSH-1.99-), else SSH_ERR_VERSION */
int version_check(const char *v);

#endif
