/* The user certificate that test_krl's lists and fuzz_krl's seeds
 * (fuzz/corpus/fuzz_krl) revoke: ed25519, serial 77, key id "krl-id",
 * principal alice, made by
 *   ssh-keygen -s ca -I krl-id -n alice -z 77 -V 20200101:20400101
 * One copy: the seeds match this certificate and no other. */
#ifndef SSHL_KRL_CERT_H
#define SSHL_KRL_CERT_H

static const char KRL_CERT[] =
	"AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIDsZ1Ddj+Dt4EKtzDjp/fXcnHICXaA0h55sNWnRysQKM"
	"AAAAIJekKes+D2muPFlIXK7kWey3+Gb6YKV5CMXd/ZmBLyApAAAAAAAAAE0AAAABAAAABmtybC1pZAAAAAkAAAAFYWxpY2UA"
	"AAAAXgvhAAAAAACDqn6AAAAAAAAAAIIAAAAVcGVybWl0LVgxMS1mb3J3YXJkaW5nAAAAAAAAABdwZXJtaXQtYWdlbnQtZm9y"
	"d2FyZGluZwAAAAAAAAAWcGVybWl0LXBvcnQtZm9yd2FyZGluZwAAAAAAAAAKcGVybWl0LXB0eQAAAAAAAAAOcGVybWl0LXVz"
	"ZXItcmMAAAAAAAAAAAAAADMAAAALc3NoLWVkMjU1MTkAAAAgMCSpwg2e1sfNpvsLAefE2bIZCv1DF1dHUBeU3NNlJ0kAAABT"
	"AAAAC3NzaC1lZDI1NTE5AAAAQJbDbJlBmT5qV+z8b0gfVyxUdLV8iiyRwM4DLy3B9XvAfB5prwv8JuPUr6+EjBiozF/1+EWw"
	"d60mQuUiavf2vA4=";

#endif
