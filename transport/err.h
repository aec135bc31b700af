/* Error codes shared by every layer. Parsers return them; only the transport's
 * top level turns one into a DISCONNECT, so no parser ever exits. */
#ifndef SSHL_ERR_H
#define SSHL_ERR_H

enum {
	SSH_OK = 0,
	SSH_ERR_SHORT = -1,      /* input ends inside a field */
	SSH_ERR_FORMAT = -2,     /* field is malformed or bytes are left over */
	SSH_ERR_TOOBIG = -3,     /* a length exceeds its limit */
	SSH_ERR_ALLOC = -4,
	SSH_ERR_MAC = -5,        /* packet authentication failed */
	SSH_ERR_CRYPTO = -6,     /* a primitive failed */
	SSH_ERR_KEY = -7,        /* invalid key or point */
	SSH_ERR_SIG = -8,        /* signature does not verify */
	SSH_ERR_NOALG = -9,      /* no common algorithm */
	SSH_ERR_PROTO = -10,     /* message not allowed now */
	SSH_ERR_IO = -11,
	SSH_ERR_EOF = -12,       /* peer closed the connection */
	SSH_ERR_TIMEOUT = -13,
	SSH_ERR_PEER_DISC = -14, /* peer sent DISCONNECT */
	SSH_ERR_COMP = -15,      /* (de)compression failed or too large */
	SSH_ERR_VERSION = -16,   /* protocol version mismatch */
	SSH_ERR_SERVICE = -17,   /* unknown service requested */
	SSH_ERR_FILE = -18,      /* file missing, unreadable or malformed */
	SSH_ERR_ENCRYPTED = -19, /* key file is passphrase protected */
	SSH_ERR_UNSUPPORTED = -20,
	SSH_ERR_LIMIT = -21,     /* a resource limit was reached */
	SSH_ERR_AUTH = -22,      /* too many authentication failures */
	SSH_ERR_INTERNAL = -23,
	SSH_ERR_REFUSED = -24,   /* the configuration refuses this connection */
	/* an account refused after authentication (PAM's account stack): the
	 * refusal is logged where it is decided, and the connection closes
	 * without a DISCONNECT, as OpenSSH's fatal() there */
	SSH_ERR_DENIED = -25,
};

/* RFC 4253 11.1 reason codes */
enum {
	SSH_DISCONNECT_HOST_NOT_ALLOWED_TO_CONNECT = 1,
	SSH_DISCONNECT_PROTOCOL_ERROR = 2,
	SSH_DISCONNECT_KEY_EXCHANGE_FAILED = 3,
	SSH_DISCONNECT_RESERVED = 4,
	SSH_DISCONNECT_MAC_ERROR = 5,
	SSH_DISCONNECT_COMPRESSION_ERROR = 6,
	SSH_DISCONNECT_SERVICE_NOT_AVAILABLE = 7,
	SSH_DISCONNECT_PROTOCOL_VERSION_NOT_SUPPORTED = 8,
	SSH_DISCONNECT_HOST_KEY_NOT_VERIFIABLE = 9,
	SSH_DISCONNECT_CONNECTION_LOST = 10,
	SSH_DISCONNECT_BY_APPLICATION = 11,
	SSH_DISCONNECT_TOO_MANY_CONNECTIONS = 12,
	SSH_DISCONNECT_AUTH_CANCELLED_BY_USER = 13,
	SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE = 14,
	SSH_DISCONNECT_ILLEGAL_USER_NAME = 15,
};

const char *ssh_err(int err);
/* The DISCONNECT reason code that reports err to the peer. */
int ssh_err_reason(int err);

#endif
