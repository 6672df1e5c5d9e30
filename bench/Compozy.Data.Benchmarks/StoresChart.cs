using System.Globalization;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace Compozy.Data.Benchmarks;

/// <summary>
/// The SVG chart of <c>stores</c>: durable SQLite writes per second against concurrent writers,
/// for the layer with group commit, the layer without it, raw Microsoft.Data.Sqlite (one
/// transaction per write) and the disk's fsync rate, so the curve the tables list shows at a glance.
/// </summary>
internal static class StoresChart
{
    /// <summary>The series drawn, each a scenario name prefix followed by <c> x{writers}</c>.</summary>
    private static readonly (string Prefix, string Title, OxyColor Color)[] Curves =
    [
        ("gc FULL", "layer, group commit", OxyColor.FromRgb(0x1f, 0x77, 0xb4)),
        ("no-gc FULL", "layer, no group commit", OxyColor.FromRgb(0xff, 0x7f, 0x0e)),
        ("raw FULL", "raw ADO.NET, turns on one connection", OxyColor.FromRgb(0x2c, 0xa0, 0x2c)),
    ];

    /// <summary>The chart as an SVG document, or <see langword="null"/> when the run measured none of its series.</summary>
    public static string? Render(IReadOnlyList<LoadMeasurement> measurements, string measuredOn)
    {
        var model = new PlotModel
        {
            Title = "SQLite durable writes/s against concurrent writers (synchronous FULL)",
            Subtitle = measuredOn,
            Background = OxyColors.White,

            // The exporter measures text with Helvetica's metrics and a browser draws it in a wider
            // face: the legend is one entry per line, with padding wide enough for the longest label
            // to fit, and the subtitle is small enough not to reach the title.
            DefaultFont = "Helvetica, Arial, sans-serif",
            TitleFontSize = 16,
            SubtitleFontSize = 11,
        };
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.BottomCenter, LegendPlacement = LegendPlacement.Outside, LegendOrientation = LegendOrientation.Vertical, LegendPadding = 64, LegendLineSpacing = 6 });
        var writers = new List<int>();
        foreach (var (prefix, title, color) in Curves)
        {
            var points = measurements
                .Where(m => m.Database == "sqlite" && m.Scenario.StartsWith(prefix + " x", StringComparison.Ordinal))
                .OrderBy(m => m.Workers)
                .ToList();
            if (points.Count == 0)
            {
                continue;
            }

            var series = new LineSeries { Title = title, Color = color, MarkerType = MarkerType.Circle, MarkerFill = color, StrokeThickness = 2 };
            series.Points.AddRange(points.Select(m => new DataPoint(m.Workers, m.PerSecond)));
            model.Series.Add(series);
            writers.AddRange(points.Select(m => m.Workers));
        }

        if (writers.Count == 0)
        {
            return null;
        }

        var (least, most) = (writers.Min(), writers.Max());
        if (measurements.SingleOrDefault(m => m.Scenario == StoresBenchmark.RawBatched) is { } batched)
        {
            // One loop of hand-written batches: the ceiling of one writer connection, whatever the callers.
            var ceiling = new LineSeries { Title = $"raw ADO.NET, {StoresBenchmark.RawBatch} writes per transaction (one loop)", Color = OxyColor.FromRgb(0x2c, 0xa0, 0x2c), LineStyle = LineStyle.Dash, StrokeThickness = 1.5 };
            ceiling.Points.Add(new DataPoint(least, batched.PerSecond));
            ceiling.Points.Add(new DataPoint(most, batched.PerSecond));
            model.Series.Add(ceiling);
        }

        if (measurements.SingleOrDefault(m => m.Path == "fsync") is { } fsync)
        {
            // One caller's fsyncs per second: the ceiling of any scheme that syncs once per write.
            var ceiling = new LineSeries { Title = "fsyncs/s (one caller)", Color = OxyColors.Gray, LineStyle = LineStyle.Dash, StrokeThickness = 1.5 };
            ceiling.Points.Add(new DataPoint(least, fsync.PerSecond));
            ceiling.Points.Add(new DataPoint(most, fsync.PerSecond));
            model.Series.Add(ceiling);
        }

        model.Axes.Add(new LogarithmicAxis
        {
            Position = AxisPosition.Bottom,
            Base = 2,
            Title = "concurrent writers",
            Minimum = least,
            Maximum = most,
            MajorGridlineStyle = LineStyle.Dot,
            LabelFormatter = value => value.ToString("0", CultureInfo.InvariantCulture),
        });
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Left,
            Title = "durable writes/s",
            Minimum = 0,
            MaximumPadding = 0.08,
            AxisTitleDistance = 12,
            MajorGridlineStyle = LineStyle.Dot,
            LabelFormatter = value => value.ToString("#,0", CultureInfo.InvariantCulture),
        });

        var exporter = new SvgExporter { Width = 900, Height = 640 };
        using var stream = new MemoryStream();
        exporter.Export(model, stream);
        // The exporter writes a byte order mark, which SVG viewers do not need and diffs show as noise.
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()).TrimStart('\uFEFF');
    }
}
