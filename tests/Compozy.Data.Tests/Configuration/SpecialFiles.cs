using System.Diagnostics;
using System.Net.Sockets;

namespace Compozy.Data.Tests.Configuration;

/// <summary>Files that are not regular files, where a configuration file is expected.</summary>
internal static class SpecialFiles
{
    /// <summary>A named pipe: opening it for reading blocks until a writer opens it.</summary>
    public static void CreateFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]) ?? throw new InvalidOperationException("could not run mkfifo");
        mkfifo.WaitForExit();
        if (mkfifo.ExitCode != 0)
        {
            throw new InvalidOperationException($"mkfifo {path} exited with {mkfifo.ExitCode}");
        }
    }

    /// <summary>A Unix socket file, left behind by a bound socket.</summary>
    public static void CreateSocket(string path)
    {
        // .NET removes the file of a socket it bound when the socket is disposed; one renamed
        // away from the bound name stays.
        var bound = path + ".bound";
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(bound));
        File.Move(bound, path);
    }

    /// <summary>
    /// Nine levels of ten aliases each: about 1.1 billion values once expanded, in 500 bytes.
    /// Level <c>e</c> (line <c>4 + firstLine</c>) is the first past 100,000 nodes.
    /// </summary>
    public static string AliasBomb(string section)
    {
        var lines = new List<string> { $"{section}:", "  a: &a [x, x, x, x, x, x, x, x, x, x]" };
        for (var level = 'b'; level <= 'i'; level++)
        {
            var previous = (char)(level - 1);
            lines.Add($"  {level}: &{level} [{string.Join(", ", Enumerable.Repeat($"*{previous}", 10))}]");
        }

        return string.Join('\n', lines) + "\n";
    }
}
