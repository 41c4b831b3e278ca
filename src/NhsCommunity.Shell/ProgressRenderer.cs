using System.Globalization;
using System.Management.Automation;
using System.Text;

namespace NhsCommunity.Shell;

/// <summary>
/// Draws the engine's progress as one line on the terminal's stderr: the most recently updated activity,
/// its status, a bar and the percentage. Nothing is drawn when stderr is redirected (logs stay clean).
/// The line is hidden before any other text is written and drawn again on the next update.
/// </summary>
internal sealed class ProgressRenderer
{
    private const int BarWidth = 30;
    private const long MinimumRedrawIntervalMs = 50;

    private readonly ShellRawUserInterface _rawUI;
    private readonly List<(long SourceId, ProgressRecord Record)> _active = [];
    private bool _visible;
    private long _lastDrawn;

    public ProgressRenderer(ShellRawUserInterface rawUI)
    {
        _rawUI = rawUI;
    }

    public void Show(long sourceId, ProgressRecord record)
    {
        if (Console.IsErrorRedirected)
        {
            return;
        }

        _active.RemoveAll(a => a.SourceId == sourceId && a.Record.ActivityId == record.ActivityId);
        if (record.RecordType == ProgressRecordType.Completed)
        {
            if (_active.Count == 0)
            {
                Hide();
                return;
            }
        }
        else
        {
            _active.Add((sourceId, record));
        }

        long now = Environment.TickCount64;
        if (_visible && now - _lastDrawn < MinimumRedrawIntervalMs && record.RecordType != ProgressRecordType.Completed)
        {
            return;
        }

        _lastDrawn = now;
        Draw(_active[^1].Record);
    }

    /// <summary>Erases the bar from the terminal (it comes back on the next update).</summary>
    public void Hide()
    {
        if (_visible)
        {
            Console.Error.Write("\r\u001b[2K");
            _visible = false;
        }
    }

    /// <summary>Forgets every activity: the pipeline that reported them is over.</summary>
    public void Reset()
    {
        Hide();
        _active.Clear();
    }

    private void Draw(ProgressRecord record)
    {
        int width = Math.Max(20, _rawUI.Width - 1);
        Console.Error.Write("\r\u001b[2K" + Describe(record, width));
        _visible = true;
    }

    /// <summary>"Importing workbooks  CHS-2025-03.xlsx [=========.......] 45% 0:12 left", cut to the terminal width.</summary>
    internal static string Describe(ProgressRecord record, int width)
    {
        var line = new StringBuilder(record.Activity);
        if (!string.IsNullOrEmpty(record.StatusDescription) && record.StatusDescription != "Processing")
        {
            line.Append("  ").Append(record.StatusDescription);
        }

        if (!string.IsNullOrEmpty(record.CurrentOperation))
        {
            line.Append("  ").Append(record.CurrentOperation);
        }

        var tail = new StringBuilder();
        if (record.PercentComplete >= 0)
        {
            int filled = Math.Clamp(record.PercentComplete, 0, 100) * BarWidth / 100;
            tail.Append(" [").Append('=', filled).Append('.', BarWidth - filled).Append("] ")
                .Append(record.PercentComplete.ToString(CultureInfo.InvariantCulture)).Append('%');
        }

        if (record.SecondsRemaining > 0)
        {
            tail.Append(' ').Append(TimeSpan.FromSeconds(record.SecondsRemaining).ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)).Append(" left");
        }

        int room = width - tail.Length;
        string head = line.ToString();
        if (room <= 3)
        {
            return (head + tail)[..Math.Min(width, head.Length + tail.Length)];
        }

        return (head.Length > room ? head[..(room - 3)] + "..." : head) + tail;
    }
}
