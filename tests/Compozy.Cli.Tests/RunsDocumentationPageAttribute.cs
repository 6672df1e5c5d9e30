namespace Compozy.Cli.Tests;

/// <summary>
/// Marks a test that runs every console block of <see cref="Page"/> that is not marked as not
/// run, and compares what each command prints with the page. DocumentationExampleTests fails
/// for a console block on a page no test claims this way.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
internal sealed class RunsDocumentationPageAttribute(string page) : Attribute
{
    /// <summary>The page, relative to the repository root.</summary>
    public string Page { get; } = page;
}
