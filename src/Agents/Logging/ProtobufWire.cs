using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace RLFramework.Agents.Logging;

/// <summary>Protocol Buffers wire types (https://protobuf.dev/programming-guides/encoding/).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}

/// <summary>
/// Writes one protobuf message, field by field, in the wire format: a tag (field number &lt;&lt; 3 | wire type) as a varint,
/// then the value. Just what TensorBoard's Event and Summary need; a nested message is written into its own writer first,
/// then added with <see cref="WriteMessage"/>. <see cref="Clear"/> makes it reusable for the next message.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    /// <summary>The message so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    /// <summary>Starts a new message in the same buffer.</summary>
    public void Clear() => _buffer.ResetWrittenCount();

    /// <summary>A <c>double</c> field (fixed64, little-endian IEEE 754).</summary>
    public void WriteDouble(int field, double value)
    {
        WriteTag(field, WireType.Fixed64);
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(sizeof(double)), value);
        _buffer.Advance(sizeof(double));
    }

    /// <summary>A <c>float</c> field (fixed32, little-endian IEEE 754).</summary>
    public void WriteFloat(int field, float value)
    {
        WriteTag(field, WireType.Fixed32);
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(sizeof(float)), value);
        _buffer.Advance(sizeof(float));
    }

    /// <summary>An <c>int64</c> field (a varint; a negative value takes 10 bytes, as protobuf writes it).</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, WireType.Varint);
        WriteVarint((ulong)value);
    }

    /// <summary>A <c>string</c> field (length-delimited UTF-8).</summary>
    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A message field: <paramref name="message"/>'s bytes, length-delimited.</summary>
    public void WriteMessage(int field, ProtoWriter message) => WriteBytes(field, message.WrittenSpan);

    private void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    private void WriteTag(int field, WireType type) => WriteVarint(((ulong)field << 3) | (ulong)type);

    /// <summary>Seven bits a byte, least significant first, the high bit set on every byte but the last.</summary>
    private void WriteVarint(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var n = 0;
        for (; value >= 0x80; value >>= 7)
            span[n++] = (byte)(value | 0x80);
        span[n++] = (byte)value;
        _buffer.Advance(n);
    }
}

/// <summary>
/// Reads the fields of one protobuf message in the wire format, the twin of <see cref="ProtoWriter"/>. A malformed message
/// throws <see cref="InvalidDataException"/> saying what is wrong at which byte of the message.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> message)
{
    private readonly ReadOnlySpan<byte> _message = message;
    private int _position;

    /// <summary>Reads the next tag; false at the end of the message.</summary>
    public bool TryReadTag(out int field, out WireType type)
    {
        if (_position == _message.Length)
        {
            (field, type) = (0, default);
            return false;
        }
        var start = _position;
        var tag = ReadVarint();
        field = (int)Math.Min(tag >> 3, int.MaxValue);
        type = (WireType)(tag & 7);
        if (field == 0)
            Throw($"field number 0 at byte {start}");
        return true;
    }

    /// <summary>A varint (int64, uint64, int32, bool, enum).</summary>
    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Take(1)[0];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
                return value;
        }
        Throw($"a varint longer than 10 bytes ending at byte {_position}");
        return 0;
    }

    /// <summary>A fixed64 double.</summary>
    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(sizeof(double)));

    /// <summary>A fixed32 float.</summary>
    public float ReadFloat() => BinaryPrimitives.ReadSingleLittleEndian(Take(sizeof(float)));

    /// <summary>A length-delimited field's bytes (a string, bytes or a nested message).</summary>
    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(_message.Length - _position))
            Throw($"a length of {length} at byte {_position} past the end of the {_message.Length}-byte message");
        return Take((int)length);
    }

    /// <summary>A UTF-8 string field.</summary>
    public string ReadString() => Encoding.UTF8.GetString(ReadLengthDelimited());

    /// <summary>Skips the value of a field this reader does not want.</summary>
    public void Skip(WireType type)
    {
        switch (type)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Take(sizeof(ulong));
                break;
            case WireType.LengthDelimited:
                ReadLengthDelimited();
                break;
            case WireType.Fixed32:
                Take(sizeof(uint));
                break;
            default:
                Throw($"wire type {(int)type} (groups or unknown) before byte {_position}");
                break;
        }
    }

    /// <summary>The next <paramref name="count"/> bytes.</summary>
    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _message.Length - _position)
            Throw($"{count} bytes wanted at byte {_position} of a {_message.Length}-byte message");
        var bytes = _message.Slice(_position, count);
        _position += count;
        return bytes;
    }

    [DoesNotReturn]
    private static void Throw(string what) => throw new InvalidDataException($"malformed protobuf: {what}");
}
