/* Preloaded (LD_PRELOAD) into a sandbox's process functions; it exports only the interposed libc calls. */
#ifndef SANDBOX_PRELOAD_H
#define SANDBOX_PRELOAD_H
#endif
