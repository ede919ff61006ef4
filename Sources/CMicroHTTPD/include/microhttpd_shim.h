#ifndef STRETCHCUE_CMICROHTTPD_SHIM_H
#define STRETCHCUE_CMICROHTTPD_SHIM_H
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>

/* libmicrohttpd for the remote, loaded when the remote starts
   (`stretchcue_mhd_load`) rather than linked: every other command, `play`
   first, then never maps it and the TLS libraries it brings (about 2 MiB
   of resident memory). Each function below calls the library's function of
   the same name without the prefix; two fix the arguments of variadic ones,
   which Swift cannot call. Call none before a load that returned 0. */

/* Loads libmicrohttpd.so.12 and finds its functions: 0, or -1 with the
   reason in `error` (`size` bytes at most). */
int stretchcue_mhd_load(char *error, size_t size);

/* A daemon on the bound, listening socket `listener`: one internal thread
   polling with epoll, connections suspendable (server-sent events), at most
   `limit` connections, `per_address` from one address, each dropped after
   `timeout_seconds` without traffic. NULL when it cannot start. */
struct MHD_Daemon *stretchcue_mhd_start(
    int listener, unsigned int limit, unsigned int per_address, unsigned int timeout_seconds,
    MHD_AccessHandlerCallback handler, void *handler_context,
    MHD_RequestCompletedCallback completed, void *completed_context);

/* The client's address as text (IPv4 or IPv6) into `text`; 0, or -1. */
int stretchcue_mhd_client_address(struct MHD_Connection *connection, char *text, socklen_t size);

void stretchcue_mhd_stop_daemon(struct MHD_Daemon *daemon);
enum MHD_Result stretchcue_mhd_add_response_header(struct MHD_Response *response, const char *header, const char *content);
struct MHD_Response *stretchcue_mhd_create_response_from_buffer(size_t size, void *buffer, enum MHD_ResponseMemoryMode mode);
struct MHD_Response *stretchcue_mhd_create_response_from_callback(
    uint64_t size, size_t block_size, MHD_ContentReaderCallback reader, void *reader_context,
    MHD_ContentReaderFreeCallback free_reader);
void stretchcue_mhd_destroy_response(struct MHD_Response *response);
int stretchcue_mhd_get_connection_values(
    struct MHD_Connection *connection, enum MHD_ValueKind kind, MHD_KeyValueIterator iterator, void *iterator_context);
enum MHD_Result stretchcue_mhd_queue_response(
    struct MHD_Connection *connection, unsigned int status_code, struct MHD_Response *response);
void stretchcue_mhd_suspend_connection(struct MHD_Connection *connection);
void stretchcue_mhd_resume_connection(struct MHD_Connection *connection);
#endif
