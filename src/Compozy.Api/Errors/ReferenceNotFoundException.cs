namespace Compozy.Api.Errors;

/// <summary>A body field names a record that does not exist: answered 404 naming the field.</summary>
internal sealed class ReferenceNotFoundException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
