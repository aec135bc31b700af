#include "err.h"

struct errinfo {
	int err;
	int reason;
	const char *text;
};

static const struct errinfo errs[] = {
	{SSH_OK, 0, "success"},
	{SSH_ERR_SHORT, SSH_DISCONNECT_PROTOCOL_ERROR, "message truncated"},
	{SSH_ERR_FORMAT, SSH_DISCONNECT_PROTOCOL_ERROR, "invalid format"},
	{SSH_ERR_TOOBIG, SSH_DISCONNECT_PROTOCOL_ERROR, "length too large"},
	{SSH_ERR_ALLOC, SSH_DISCONNECT_BY_APPLICATION, "out of memory"},
	{SSH_ERR_MAC, SSH_DISCONNECT_MAC_ERROR, "message authentication code incorrect"},
	{SSH_ERR_CRYPTO, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "cryptographic operation failed"},
	{SSH_ERR_KEY, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "invalid key"},
	{SSH_ERR_SIG, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "signature incorrect"},
	{SSH_ERR_NOALG, SSH_DISCONNECT_KEY_EXCHANGE_FAILED, "no matching algorithm"},
	{SSH_ERR_PROTO, SSH_DISCONNECT_PROTOCOL_ERROR, "unexpected message"},
	{SSH_ERR_IO, SSH_DISCONNECT_CONNECTION_LOST, "I/O error"},
	{SSH_ERR_EOF, SSH_DISCONNECT_CONNECTION_LOST, "connection closed"},
	{SSH_ERR_TIMEOUT, SSH_DISCONNECT_BY_APPLICATION, "timeout"},
	{SSH_ERR_PEER_DISC, SSH_DISCONNECT_BY_APPLICATION, "disconnected by peer"},
	{SSH_ERR_COMP, SSH_DISCONNECT_COMPRESSION_ERROR, "compression error"},
	{SSH_ERR_VERSION, SSH_DISCONNECT_PROTOCOL_VERSION_NOT_SUPPORTED, "protocol version not supported"},
	{SSH_ERR_SERVICE, SSH_DISCONNECT_SERVICE_NOT_AVAILABLE, "service not available"},
	{SSH_ERR_FILE, SSH_DISCONNECT_BY_APPLICATION, "file missing, unreadable or malformed"},
	{SSH_ERR_ENCRYPTED, SSH_DISCONNECT_BY_APPLICATION, "key is encrypted"},
	{SSH_ERR_UNSUPPORTED, SSH_DISCONNECT_PROTOCOL_ERROR, "unsupported"},
	{SSH_ERR_LIMIT, SSH_DISCONNECT_BY_APPLICATION, "resource limit reached"},
	{SSH_ERR_AUTH, SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE, "too many authentication failures"},
	{SSH_ERR_REFUSED, SSH_DISCONNECT_HOST_NOT_ALLOWED_TO_CONNECT, "administratively prohibited"},
	{SSH_ERR_DENIED, SSH_DISCONNECT_BY_APPLICATION, "access denied"},
	/* last: what an unknown code reads as */
	{SSH_ERR_INTERNAL, SSH_DISCONNECT_BY_APPLICATION, "internal error"},
};

static const struct errinfo *find(int err)
{
	for (unsigned i = 0; i < sizeof errs / sizeof errs[0]; i++)
		if (errs[i].err == err)
			return &errs[i];
	return &errs[sizeof errs / sizeof errs[0] - 1];
}

const char *ssh_err(int err) { return find(err)->text; }
int ssh_err_reason(int err) { return find(err)->reason; }
