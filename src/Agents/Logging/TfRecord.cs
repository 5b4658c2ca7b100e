using System.Buffers.Binary;
using System.Numerics;

namespace RLFramework.Agents.Logging;

/// <summary>
/// TFRecord framing, as TensorFlow's event files use it: each record is its length (uint64, little-endian), the
/// masked CRC32C of those 8 bytes (uint32), the data, and the masked CRC32C of the data.
/// See tensorflow/core/lib/io/record_writer.cc and crc32c.h.
/// </summary>
internal static class TfRecord
{
    /// <summary>Bytes before the data: the length and its CRC.</summary>
    public const int HeaderLength = sizeof(ulong) + sizeof(uint);

    /// <summary>Bytes after the data: its CRC.</summary>
    public const int FooterLength = sizeof(uint);

    private const uint MaskDelta = 0xa282ead8;

    /// <summary>Writes <paramref name="data"/> as one record.</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[sizeof(ulong)..], MaskedCrc32C(header[..sizeof(ulong)]));
        Span<byte> footer = stackalloc byte[FooterLength];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc32C(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }

    /// <summary>
    /// The CRC32C (Castagnoli, reflected polynomial 0x82F63B78) of <paramref name="data"/>, as RFC 3720 B.4 defines it.
    /// <see cref="BitOperations.Crc32C(uint, ulong)"/> is the CRC instruction (SSE4.2, ARMv8) or a table where there is none;
    /// it neither inverts nor finalizes, so that is done here.
    /// </summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        for (; data.Length >= sizeof(ulong); data = data[sizeof(ulong)..])
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
        foreach (var b in data)
            crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    /// <summary>The CRC32C of <paramref name="data"/>, rotated and offset as TensorFlow stores it (crc32c::Mask).</summary>
    public static uint MaskedCrc32C(ReadOnlySpan<byte> data) => Mask(Crc32C(data));

    /// <summary>TensorFlow's mask of a stored CRC: a CRC of data that holds CRCs is then not a CRC of CRCs.</summary>
    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + MaskDelta;
}
