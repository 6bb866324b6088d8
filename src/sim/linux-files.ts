/**
 * @module sim/linux-files
 * The files an `os: linux` node boots with unless its topology's `files:` gives its own: the
 * start of Debian's /etc/services (netbase; the TCP services the lab's tools name) and Debian's
 * /etc/xinetd.conf (the xinetd package: empty defaults, `includedir /etc/xinetd.d`). The seed's
 * post appended its relay's line to /etc/services (`hoge-ssh 50022/tcp`), as a student does
 * with `echo "hoge-ssh 50022/tcp" >> /etc/services`.
 */
export const LINUX_DEFAULT_FILES: Readonly<Record<string, string>> = {
  "/etc/services": `# Network services, Internet style (a part of Debian's netbase list)
echo		7/tcp
discard		9/tcp		sink null
daytime		13/tcp
ftp-data	20/tcp
ftp		21/tcp
ssh		22/tcp				# SSH Remote Login Protocol
telnet		23/tcp
smtp		25/tcp		mail
domain		53/tcp				# Domain Name Server
http		80/tcp		www		# WorldWideWeb HTTP
https		443/tcp				# http protocol over TLS/SSL
router		520/udp		route routed	# RIP
`,
  "/etc/xinetd.conf": `# Simple configuration file for xinetd
#
# Some defaults, and include /etc/xinetd.d/

defaults
{

# Please note that you need a log_type line to be able to use log_on_success
# and log_on_failure. The default is the following :
# log_type = SYSLOG daemon info

}

includedir /etc/xinetd.d
`,
};
