#include <sqlite3.h>

/// `sqlite3_config` is variadic, which Swift cannot call. Memory statistics are SQLite's default and cost a global
/// mutex on every allocation; Pond never reads them. Must run before SQLite initialises (else SQLITE_MISUSE, and
/// nothing changes).
static inline int pond_sqlite3_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
