/* net.h - rtnetlink helpers. */
#ifndef INNIT_NET_H
#define INNIT_NET_H

#define LOOPBACK_IFINDEX 1 /* "lo" is always interface 1 in a new network namespace */

/* Sets the link up; 0 or -1 with errno. */
int net_link_up(int ifindex);

#endif
