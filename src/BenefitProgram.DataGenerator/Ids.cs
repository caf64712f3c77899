using System.Buffers.Binary;

namespace BenefitProgram.DataGenerator;

/// <summary>What an id is of; part of the id so ids of different things never collide.</summary>
internal enum IdKind : byte
{
    Program = 0,
    Plan = 1,
    Partner = 2,
    Offer = 3,
    Member = 4,
    Membership = 5,
    Fee = 6,
    Redemption = 7,
    Purchase = 8,
    Journal = 9,
    Return = 10,
    Claim = 11,
    Batch = 12,
}

/// <summary>
/// Deterministic, time-ordered ids (UUID version 7 layout) without <c>Guid.NewGuid</c>: 48 bits of the row's time in
/// milliseconds, then the seed, the kind, the owner's index (member number or catalog index) and a per-owner sequence.
/// The same seed gives the same ids; different kinds or owners never share one.
/// </summary>
internal readonly struct Ids(int seed)
{
    public Guid Make(IdKind kind, DateTimeOffset at, uint owner, uint sequence)
    {
        Span<byte> b = stackalloc byte[16];
        var ms = (ulong)Math.Max(0, at.ToUnixTimeMilliseconds());
        b[0] = (byte)(ms >> 40);
        b[1] = (byte)(ms >> 32);
        b[2] = (byte)(ms >> 24);
        b[3] = (byte)(ms >> 16);
        b[4] = (byte)(ms >> 8);
        b[5] = (byte)ms;
        b[6] = (byte)(0x70 | ((seed >> 4) & 0x0F));
        b[7] = (byte)((seed << 4) | ((byte)kind & 0x0F));
        b[8] = (byte)(0x80 | ((seed >> 8) & 0x3F));
        BinaryPrimitives.WriteUInt32BigEndian(b[9..13], owner);
        b[13] = (byte)(sequence >> 16);
        b[14] = (byte)(sequence >> 8);
        b[15] = (byte)sequence;
        return new Guid(b, bigEndian: true);
    }

    /// <summary>A short unique text (base 32) of owner, sequence and seed: for click ids, pass codes, coupon codes.</summary>
    public string Code(char prefix, uint owner, uint sequence)
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        var value = ((ulong)owner << 24) | (sequence & 0xFFFFFFu);
        Span<char> chars = stackalloc char[16];
        chars[0] = prefix;
        chars[1] = alphabet[(seed >> 5) & 31];
        chars[2] = alphabet[seed & 31];
        var n = 3;
        for (var i = 0; i < 12; i++)
        {
            chars[n++] = alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return new string(chars[..n]);
    }
}
