namespace Compozy.Data.Benchmarks;

/// <summary>The mount a directory lives on, from <c>/proc/mounts</c> (the longest mount point that contains it).</summary>
internal sealed record MountInfo(string Device, string MountPoint, string FileSystem, string Options)
{
    public static MountInfo Of(string directory)
    {
        const string mounts = "/proc/mounts";
        if (!File.Exists(mounts))
        {
            return new MountInfo("unknown", "unknown", "unknown", string.Empty);
        }

        var full = Path.GetFullPath(directory).TrimEnd('/') + "/";
        MountInfo? best = null;
        foreach (var line in File.ReadLines(mounts))
        {
            var fields = line.Split(' ');
            if (fields.Length < 4)
            {
                continue;
            }

            // /proc/mounts escapes spaces in paths as \040.
            var mountPoint = fields[1].Replace("\\040", " ", StringComparison.Ordinal);
            var prefix = mountPoint.TrimEnd('/') + "/";
            if (full.StartsWith(prefix, StringComparison.Ordinal) && (best is null || mountPoint.Length >= best.MountPoint.Length))
            {
                best = new MountInfo(fields[0], mountPoint, fields[2], fields[3]);
            }
        }

        return best ?? new MountInfo("unknown", "unknown", "unknown", string.Empty);
    }
}
