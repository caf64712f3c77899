using System.Text.Json;

namespace BenefitProgram.Common.Messaging;

/// <summary>An integration event stored in a module's outbox, in the transaction of the fact it announces.</summary>
public sealed class OutboxMessage
{
    public Guid Id { get; private set; }
    /// <summary>Insertion order, assigned by the database; delivery follows it.</summary>
    public long Sequence { get; private set; }
    public DateTimeOffset OccurredAt { get; private set; }
    /// <summary>"Namespace.TypeName, AssemblyName" of the event record.</summary>
    public string Type { get; private set; } = "";
    public string Payload { get; private set; } = "";
    public DateTimeOffset? DispatchedAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static OutboxMessage From(object integrationEvent, DateTimeOffset now)
    {
        var type = integrationEvent.GetType();
        return new OutboxMessage
        {
            Id = Guid.CreateVersion7(now),
            OccurredAt = now,
            Type = $"{type.FullName}, {type.Assembly.GetName().Name}",
            Payload = JsonSerializer.Serialize(integrationEvent, type, Json),
        };
    }

    public (object Message, Type Type) Deserialize()
    {
        var type = System.Type.GetType(Type, throwOnError: true)!;
        return (JsonSerializer.Deserialize(Payload, type, Json)!, type);
    }
}

/// <summary>Marks a message a consumer has handled (per module), so a redelivery changes nothing.</summary>
public sealed class InboxMessage
{
    public Guid MessageId { get; set; }
    public string Consumer { get; set; } = "";
    public DateTimeOffset ProcessedAt { get; set; }
}
