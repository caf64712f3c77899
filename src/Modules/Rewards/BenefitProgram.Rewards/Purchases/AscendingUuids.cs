using System.Buffers.Binary;
using System.Security.Cryptography;

namespace BenefitProgram.Rewards.Purchases;

/// <summary>
/// UUIDv7 for bulk writes (RFC 9562, method 3 "monotonic random"): the timestamp of the import, a random 12-bit rand_a
/// and a 62-bit rand_b that starts at a random value below 2^61 and counts up. So the ids of one import ascend in the
/// order they are drawn, and a million rows insert at the right edge of each primary-key and journal-id index instead
/// of at random places (<see cref="Guid.CreateVersion7(DateTimeOffset)"/> with one instant is random after the
/// millisecond). Uniqueness against other writers rests on the same 73 random bits as ordinary v7 ids.
/// </summary>
internal sealed class AscendingUuids
{
    private readonly ulong high;
    private ulong counter;

    public AscendingUuids(DateTimeOffset at)
    {
        var ms = (ulong)at.ToUnixTimeMilliseconds() & 0xFFFF_FFFF_FFFF;
        var randA = (ulong)RandomNumberGenerator.GetInt32(1 << 12);
        high = (ms << 16) | 0x7000UL | randA;
        Span<byte> start = stackalloc byte[8];
        RandomNumberGenerator.Fill(start);
        counter = BinaryPrimitives.ReadUInt64BigEndian(start) >> 3; // < 2^61: 2^61 more ids before rand_b could overflow
    }

    public Guid Next()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, high);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], 0x8000_0000_0000_0000UL | counter++); // variant 10
        return new Guid(bytes, bigEndian: true);
    }
}
