import Dispatch

/// Runs the SQLite writer's transactions on a thread of its own.
///
/// A commit with `synchronous=FULL` waits for the disk (fsync) inside `sqlite3_step`, and statements block their
/// thread while they run. On Swift's cooperative pool — one thread per core — that wait would take a core away from
/// parsing and answering requests for as long as the disk takes. A serial dispatch queue gets a thread outside that
/// pool, so the pool keeps working while the writer waits.
final class WriterExecutor: TaskExecutor {
    private let queue = DispatchQueue(label: "pond.sqlite.writer", qos: .userInitiated)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
