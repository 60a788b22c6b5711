/*
 * Runs clickhouse-local from libchdb.so with the given arguments.
 * Usage: chdb-launcher <path-to-libchdb.so> <clickhouse-local args...>
 * argv[0] handed to chdb must be a program name: clickhouse-local ignores it,
 * and dropping it would make the first real option silently disappear.
 */
#include <dlfcn.h>
#include <stdio.h>

typedef int (*query_cmdline_fn)(int, char **);

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s <libchdb.so> [clickhouse-local args]\n", argv[0]);
        return 2;
    }
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL);
    if (!lib) {
        fprintf(stderr, "cannot load %s: %s\n", argv[1], dlerror());
        return 2;
    }
    query_cmdline_fn run = (query_cmdline_fn) dlsym(lib, "chdb_query_cmdline");
    if (!run) {
        fprintf(stderr, "chdb_query_cmdline not found in %s: %s\n", argv[1], dlerror());
        return 2;
    }
    argv[1] = "clickhouse";
    return run(argc - 1, argv + 1);
}
