import Foundation
import NIOCore

func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

func bytes(hex: String) -> [UInt8] {
    var result: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        result.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return result
}

extension ByteBuffer {
    init(hex: String) { self.init(bytes: bytes(hex: hex)) }
    var hexString: String { hex(self.readableBytesView) }
}
