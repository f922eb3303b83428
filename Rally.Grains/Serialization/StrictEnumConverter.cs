using System.Text.Json.Serialization;

namespace Rally.Grains.Serialization;

/// <summary>
/// Reads and writes an enum only by its published names: numbers are refused, so the stored and
/// wire forms never depend on member order and no unlisted answer slips through.
/// </summary>
public sealed class StrictEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(namingPolicy: null, allowIntegerValues: false)
    where TEnum : struct, Enum;
