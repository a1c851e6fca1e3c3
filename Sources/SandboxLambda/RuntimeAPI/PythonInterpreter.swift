/// The interpreter a process function whose command names a bare `python3` (or `python`) runs with.
///
/// Lambda's Python image provides an interpreter with awslambdaric and boto3; a distribution's own python3 has
/// neither and refuses `pip install` (PEP 668). `CLOUDSANDBOX_PYTHON` names one that has them (`make` sets it to
/// the virtual environment it makes under `.build/python`); without it, `python3` is looked up on PATH as given.
/// A command that names its own interpreter (a path, `python3.12`, a virtual environment's) keeps it.
enum PythonInterpreter {
    static let bareNames: Set = ["python3", "python"]

    /// `command` with a bare `python3` replaced by `CLOUDSANDBOX_PYTHON`'s interpreter, when that is set.
    static func command(_ command: [String], environment: [String: String]) -> [String] {
        guard let first = command.first, self.bareNames.contains(first),
            let interpreter = environment["CLOUDSANDBOX_PYTHON"], !interpreter.isEmpty
        else { return command }
        return [interpreter] + command.dropFirst()
    }
}
