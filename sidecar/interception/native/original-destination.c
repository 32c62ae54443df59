/*
 * weft's one native function: the original destination of a connection that iptables REDIRECTed,
 * read with getsockopt(SO_ORIGINAL_DST) (IPv4) or getsockopt(IP6T_SO_ORIGINAL_DST) (IPv6), which
 * Node does not expose. Written against Node-API only, whose ABI is stable across Node versions,
 * so one compiled file serves every Node >= 20 (docs/decisions/0203-original-destination-addon.md).
 *
 *   originalDestination(fd: number) -> { address: string, port: number } | null
 *
 * null when the kernel has no NAT entry for the connection (ENOENT: it was not redirected; or
 * ENOPROTOOPT: connection tracking is not loaded, so nothing was redirected). Other failures throw
 * an Error whose `code` is the errno name.
 */
#define NAPI_VERSION 8
#include <node_api.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* From <linux/netfilter_ipv4.h> and <linux/netfilter_ipv6/ip6_tables.h>, whose other contents clash with libc's. */
#ifndef SO_ORIGINAL_DST
#define SO_ORIGINAL_DST 80
#endif
#ifndef IP6T_SO_ORIGINAL_DST
#define IP6T_SO_ORIGINAL_DST 80
#endif

static napi_value throw_errno(napi_env env, int err, const char *call) {
  char message[160];
  snprintf(message, sizeof message, "%s: %s", call, strerror(err));
  const char *code = err == ENOENT ? "ENOENT" : err == ENOPROTOOPT ? "ENOPROTOOPT" : err == EBADF ? "EBADF" : err == ENOTSOCK ? "ENOTSOCK"
                     : err == EAFNOSUPPORT ? "EAFNOSUPPORT" : "EIO";
  napi_throw_error(env, code, message);
  return NULL;
}

/* getsockopt's answer when nothing was redirected: null, not an exception (cheaper per connection). */
static napi_value failure(napi_env env, int err, const char *call) {
  if (err != ENOENT && err != ENOPROTOOPT) return throw_errno(env, err, call);
  napi_value null;
  return napi_get_null(env, &null) == napi_ok ? null : NULL;
}

static napi_value result(napi_env env, const char *address, unsigned port) {
  napi_value object, text, number;
  if (napi_create_object(env, &object) != napi_ok) return NULL;
  if (napi_create_string_utf8(env, address, NAPI_AUTO_LENGTH, &text) != napi_ok) return NULL;
  if (napi_create_uint32(env, port, &number) != napi_ok) return NULL;
  if (napi_set_named_property(env, object, "address", text) != napi_ok) return NULL;
  if (napi_set_named_property(env, object, "port", number) != napi_ok) return NULL;
  return object;
}

static napi_value original_destination(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "originalDestination(fd): fd must be a non-negative integer");
    return NULL;
  }

  /* The socket's own family says which table's NAT entry to ask for. */
  struct sockaddr_storage local;
  socklen_t length = sizeof local;
  if (getsockname(fd, (struct sockaddr *)&local, &length) != 0) return throw_errno(env, errno, "getsockname");
  int v4mapped = local.ss_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)&local)->sin6_addr);

  char text[INET6_ADDRSTRLEN];
  if (local.ss_family == AF_INET || v4mapped) {
    struct sockaddr_in to;
    socklen_t size = sizeof to;
    if (getsockopt(fd, SOL_IP, SO_ORIGINAL_DST, &to, &size) != 0) return failure(env, errno, "getsockopt(SO_ORIGINAL_DST)");
    inet_ntop(AF_INET, &to.sin_addr, text, sizeof text);
    return result(env, text, ntohs(to.sin_port));
  }
  if (local.ss_family == AF_INET6) {
    struct sockaddr_in6 to;
    socklen_t size = sizeof to;
    if (getsockopt(fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST, &to, &size) != 0) return failure(env, errno, "getsockopt(IP6T_SO_ORIGINAL_DST)");
    inet_ntop(AF_INET6, &to.sin6_addr, text, sizeof text);
    return result(env, text, ntohs(to.sin6_port));
  }
  return throw_errno(env, EAFNOSUPPORT, "originalDestination: not a TCP/IP socket");
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "originalDestination", NAPI_AUTO_LENGTH, original_destination, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "originalDestination", fn) != napi_ok) return NULL;
  return exports;
}
