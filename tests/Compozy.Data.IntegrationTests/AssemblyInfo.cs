// The suite runs where the product runs in production and CI: Linux (file modes, statfs, SIGKILL).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
