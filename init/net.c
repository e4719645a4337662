/*
 * net.c - network setup over rtnetlink (child world for now: a tenant brings up its own
 * loopback inside its new network namespace before it drops its capabilities).
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"

/* Sends one request and waits for its acknowledgement; returns 0 or -1 with errno. */
static int rtnl_call(void *req, size_t len)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	int ret = -1;
	if (sendto(fd, req, len, 0, (struct sockaddr *)&kernel, sizeof kernel) == (ssize_t)len) {
		/* Room for the header, the error and the echoed request. */
		struct {
			struct nlmsghdr h;
			struct nlmsgerr e;
			/* cppcheck-suppress unusedStructMember ; filled by the kernel */
			char rest[128];
		} ack;
		ssize_t n = recv(fd, &ack, sizeof ack, 0);
		if (n >= (ssize_t)(sizeof ack.h + sizeof(struct nlmsgerr)) &&
		    ack.h.nlmsg_type == NLMSG_ERROR) {
			if (ack.e.error == 0)
				ret = 0;
			else
				errno = -ack.e.error;
		} else if (n >= 0) {
			errno = EPROTO;
		}
	}
	int e = errno;
	(void)close(fd);
	errno = e;
	return ret;
}

int net_link_up(int ifindex)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req;

	memset(&req, 0, sizeof req);
	req.h.nlmsg_len = sizeof req;
	req.h.nlmsg_type = RTM_NEWLINK;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.h.nlmsg_seq = 1;
	req.i.ifi_family = AF_UNSPEC;
	req.i.ifi_index = ifindex;
	req.i.ifi_flags = IFF_UP;
	req.i.ifi_change = IFF_UP;
	return rtnl_call(&req, sizeof req);
}
