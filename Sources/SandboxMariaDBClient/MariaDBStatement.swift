import CSandboxMariaDB

/// A prepared statement over libmariadb's mysql_stmt API (the binary protocol).
final class MariaDBStatement {
    private let statement: UnsafeMutablePointer<MYSQL_STMT>

    init(_ connection: UnsafeMutablePointer<MYSQL>, _ sql: String) throws(MariaDBError) {
        guard let statement = mysql_stmt_init(connection) else { throw MariaDBError(connection) }
        self.statement = statement
        guard mysql_stmt_prepare(statement, sql, UInt(sql.utf8.count)) == 0 else { throw self.error }
    }

    deinit { mysql_stmt_close(self.statement) }

    private var error: MariaDBError {
        MariaDBError(
            code: mysql_stmt_errno(self.statement),
            sqlState: String(cString: mysql_stmt_sqlstate(self.statement)),
            message: String(cString: mysql_stmt_error(self.statement))
        )
    }

    func execute(_ parameters: [String?]) throws(MariaDBError) -> MariaDBResult {
        let buffers = parameters.map { parameter -> UnsafeMutableBufferPointer<UInt8>? in
            guard let parameter else { return nil }
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(parameter.utf8.count, 1))
            _ = buffer.initialize(from: parameter.utf8)
            return buffer
        }
        let nulls = UnsafeMutablePointer<my_bool>.allocate(capacity: max(parameters.count, 1))
        defer {
            for buffer in buffers { buffer?.deallocate() }
            nulls.deallocate()
        }
        var binds = [MYSQL_BIND](repeating: MYSQL_BIND(), count: parameters.count)
        for (index, parameter) in parameters.enumerated() {
            nulls[index] = buffers[index] == nil ? 1 : 0
            binds[index].buffer_type = buffers[index] == nil ? MYSQL_TYPE_NULL : MYSQL_TYPE_STRING
            binds[index].buffer = buffers[index].map { UnsafeMutableRawPointer($0.baseAddress!) }
            binds[index].buffer_length = UInt(parameter?.utf8.count ?? 0)
            binds[index].is_null = nulls + index
        }
        if !parameters.isEmpty { guard mysql_stmt_bind_param(self.statement, &binds) == 0 else { throw self.error } }
        guard mysql_stmt_execute(self.statement) == 0 else { throw self.error }
        return try self.fetchAll()
    }

    private func fetchAll() throws(MariaDBError) -> MariaDBResult {
        guard let metadata = mysql_stmt_result_metadata(self.statement) else {
            return MariaDBResult(
                columns: [],
                bytes: [],
                affectedRows: mysql_stmt_affected_rows(self.statement),
                insertID: mysql_stmt_insert_id(self.statement)
            )
        }
        defer { mysql_free_result(metadata) }
        let count = Int(mysql_num_fields(metadata))
        let fields = mysql_fetch_fields(metadata)!
        let columns = (0..<count).map { String(cString: fields[$0].name) }
        let capacity = 65_536
        let buffers = (0..<count).map { _ in UnsafeMutablePointer<CChar>.allocate(capacity: capacity) }
        let lengths = UnsafeMutablePointer<UInt>.allocate(capacity: max(count, 1))
        let nulls = UnsafeMutablePointer<my_bool>.allocate(capacity: max(count, 1))
        defer {
            for buffer in buffers { buffer.deallocate() }
            lengths.deallocate()
            nulls.deallocate()
        }
        var binds = [MYSQL_BIND](repeating: MYSQL_BIND(), count: count)
        for index in 0..<count {
            binds[index].buffer_type = MYSQL_TYPE_STRING
            binds[index].buffer = UnsafeMutableRawPointer(buffers[index])
            binds[index].buffer_length = UInt(capacity)
            binds[index].length = lengths + index
            binds[index].is_null = nulls + index
        }
        guard mysql_stmt_bind_result(self.statement, &binds) == 0, mysql_stmt_store_result(self.statement) == 0 else {
            throw self.error
        }
        var rows: [[[UInt8]?]] = []
        while true {
            let status = mysql_stmt_fetch(self.statement)
            if status == MYSQL_NO_DATA { break }
            guard status == 0 || status == MYSQL_DATA_TRUNCATED else { throw self.error }
            var row: [[UInt8]?] = []
            for index in 0..<count {
                guard nulls[index] == 0 else {
                    row.append(nil)
                    continue
                }
                let length = Int(lengths[index])
                guard length > capacity else {
                    row.append(Array(UnsafeRawBufferPointer(start: buffers[index], count: length)))
                    continue
                }
                // Longer than the buffer: fetch the whole column into one of its size.
                let pointer = UnsafeMutableRawPointer.allocate(byteCount: length, alignment: 1)
                defer { pointer.deallocate() }
                var bind = MYSQL_BIND()
                bind.buffer_type = MYSQL_TYPE_STRING
                bind.buffer = pointer
                bind.buffer_length = UInt(length)
                bind.length = lengths + index
                guard mysql_stmt_fetch_column(self.statement, &bind, UInt32(index), 0) == 0 else { throw self.error }
                let whole = Array(UnsafeRawBufferPointer(start: pointer, count: length))
                row.append(whole)
            }
            rows.append(row)
        }
        return MariaDBResult(columns: columns, bytes: rows, affectedRows: 0, insertID: 0)
    }
}
