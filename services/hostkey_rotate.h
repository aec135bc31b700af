/* Host key rotation: hostkeys-00@openssh.com and its prove request
 * (OpenSSH's PROTOCOL 2.5). */
#ifndef SSHL_HOSTKEY_ROTATE_H
#define SSHL_HOSTKEY_ROTATE_H

struct conn;
struct rd;
struct buf;

/* announces every host key; sent once, after authentication */
int hostkeys_notify(struct conn *c);
/* the global request row: 1 with one signature per asked key in reply,
 * 0 (logged) when a key is not ours or the request is malformed */
int hostkeys_prove(struct conn *c, struct rd *r, struct buf *reply);

#endif
