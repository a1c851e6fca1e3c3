import XCTest

@testable import SandboxLambda

final class PythonInterpreterTests: XCTestCase {
    private let environment = ["CLOUDSANDBOX_PYTHON": "/work/.build/python/bin/python3"]

    func testABarePython3RunsWithTheSandboxInterpreter() {
        XCTAssertEqual(
            PythonInterpreter.command(["python3", "-m", "awslambdaric", "app.handler"], environment: self.environment),
            ["/work/.build/python/bin/python3", "-m", "awslambdaric", "app.handler"]
        )
        XCTAssertEqual(
            PythonInterpreter.command(["python", "app.py"], environment: self.environment),
            ["/work/.build/python/bin/python3", "app.py"]
        )
    }

    func testACommandThatNamesItsOwnInterpreterKeepsIt() {
        for command in [
            ["/usr/bin/python3", "-m", "awslambdaric", "app.handler"], [".venv/bin/python", "app.py"],
            ["python3.12", "app.py"], ["./bootstrap"],
        ] {
            XCTAssertEqual(PythonInterpreter.command(command, environment: self.environment), command)
        }
    }

    func testWithoutTheVariablePython3IsLookedUpOnPath() {
        XCTAssertEqual(PythonInterpreter.command(["python3", "app.py"], environment: [:]), ["python3", "app.py"])
        XCTAssertEqual(
            PythonInterpreter.command(["python3", "app.py"], environment: ["CLOUDSANDBOX_PYTHON": ""]),
            ["python3", "app.py"]
        )
    }
}
