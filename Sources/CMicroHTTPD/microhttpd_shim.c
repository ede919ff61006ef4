#include "microhttpd_shim.h"
#include <arpa/inet.h>
#include <dlfcn.h>
#include <stdio.h>

/* The library's functions, found by name; their types from its header. */
static struct {
    __typeof__(MHD_start_daemon) *start_daemon;
    __typeof__(MHD_stop_daemon) *stop_daemon;
    __typeof__(MHD_get_connection_info) *get_connection_info;
    __typeof__(MHD_add_response_header) *add_response_header;
    __typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
    __typeof__(MHD_create_response_from_callback) *create_response_from_callback;
    __typeof__(MHD_destroy_response) *destroy_response;
    __typeof__(MHD_get_connection_values) *get_connection_values;
    __typeof__(MHD_queue_response) *queue_response;
    __typeof__(MHD_suspend_connection) *suspend_connection;
    __typeof__(MHD_resume_connection) *resume_connection;
} mhd;

int stretchcue_mhd_load(char *error, size_t size) {
    void *library = dlopen("libmicrohttpd.so.12", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        snprintf(error, size, "%s", dlerror());
        return -1;
    }
#define FIND(field, name)                                                                      \
    if ((*(void **)&mhd.field = dlsym(library, name)) == NULL) {                              \
        snprintf(error, size, "libmicrohttpd.so.12 has no %s", name);                        \
        return -1;                                                                             \
    }
    FIND(start_daemon, "MHD_start_daemon")
    FIND(stop_daemon, "MHD_stop_daemon")
    FIND(get_connection_info, "MHD_get_connection_info")
    FIND(add_response_header, "MHD_add_response_header")
    FIND(create_response_from_buffer, "MHD_create_response_from_buffer")
    FIND(create_response_from_callback, "MHD_create_response_from_callback")
    FIND(destroy_response, "MHD_destroy_response")
    FIND(get_connection_values, "MHD_get_connection_values")
    FIND(queue_response, "MHD_queue_response")
    FIND(suspend_connection, "MHD_suspend_connection")
    FIND(resume_connection, "MHD_resume_connection")
#undef FIND
    return 0;
}

struct MHD_Daemon *stretchcue_mhd_start(
    int listener, unsigned int limit, unsigned int per_address, unsigned int timeout_seconds,
    MHD_AccessHandlerCallback handler, void *handler_context,
    MHD_RequestCompletedCallback completed, void *completed_context) {
    return mhd.start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL, handler, handler_context,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)listener,
        MHD_OPTION_CONNECTION_LIMIT, limit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_address,
        MHD_OPTION_CONNECTION_TIMEOUT, timeout_seconds,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
        MHD_OPTION_NOTIFY_COMPLETED, completed, completed_context,
        MHD_OPTION_END);
}

int stretchcue_mhd_client_address(struct MHD_Connection *connection, char *text, socklen_t size) {
    const union MHD_ConnectionInfo *info = mhd.get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) return -1;
    const struct sockaddr *address = info->client_addr;
    const void *bytes = address->sa_family == AF_INET6
        ? (const void *)&((const struct sockaddr_in6 *)address)->sin6_addr
        : (const void *)&((const struct sockaddr_in *)address)->sin_addr;
    return inet_ntop(address->sa_family, bytes, text, size) == NULL ? -1 : 0;
}

void stretchcue_mhd_stop_daemon(struct MHD_Daemon *daemon) { mhd.stop_daemon(daemon); }

enum MHD_Result stretchcue_mhd_add_response_header(struct MHD_Response *response, const char *header, const char *content) {
    return mhd.add_response_header(response, header, content);
}

struct MHD_Response *stretchcue_mhd_create_response_from_buffer(size_t size, void *buffer, enum MHD_ResponseMemoryMode mode) {
    return mhd.create_response_from_buffer(size, buffer, mode);
}

struct MHD_Response *stretchcue_mhd_create_response_from_callback(
    uint64_t size, size_t block_size, MHD_ContentReaderCallback reader, void *reader_context,
    MHD_ContentReaderFreeCallback free_reader) {
    return mhd.create_response_from_callback(size, block_size, reader, reader_context, free_reader);
}

void stretchcue_mhd_destroy_response(struct MHD_Response *response) { mhd.destroy_response(response); }

int stretchcue_mhd_get_connection_values(
    struct MHD_Connection *connection, enum MHD_ValueKind kind, MHD_KeyValueIterator iterator, void *iterator_context) {
    return mhd.get_connection_values(connection, kind, iterator, iterator_context);
}

enum MHD_Result stretchcue_mhd_queue_response(
    struct MHD_Connection *connection, unsigned int status_code, struct MHD_Response *response) {
    return mhd.queue_response(connection, status_code, response);
}

void stretchcue_mhd_suspend_connection(struct MHD_Connection *connection) { mhd.suspend_connection(connection); }

void stretchcue_mhd_resume_connection(struct MHD_Connection *connection) { mhd.resume_connection(connection); }
