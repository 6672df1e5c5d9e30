// The suite runs where the product runs in production and CI: Linux (signals, file modes).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
