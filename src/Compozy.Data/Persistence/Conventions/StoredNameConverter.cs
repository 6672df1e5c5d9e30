using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Compozy.Data.Persistence.Conventions;

/// <summary>
/// Stores an enum under its <see cref="StoredNames"/> name. A stored value that names no member
/// fails loudly on read instead of turning into a default.
/// </summary>
/// <typeparam name="TEnum">The enum type.</typeparam>
public sealed class StoredNameConverter<TEnum> : ValueConverter<TEnum, string>
    where TEnum : struct, Enum
{
    /// <summary>Creates the converter.</summary>
    public StoredNameConverter()
        : base(value => StoredNames.Of(value), name => StoredNames.Parse<TEnum>(name))
    {
    }
}
