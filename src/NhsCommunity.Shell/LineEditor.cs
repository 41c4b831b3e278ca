using System.Management.Automation;
using System.Text;

namespace NhsCommunity.Shell;

/// <summary>
/// Reads one line at the terminal with editing: Left/Right, Home/End (Ctrl+A/E), Ctrl+Left/Right by word,
/// Backspace/Delete, Ctrl+U/K/W, Escape (clear), Up/Down through history, Tab/Shift+Tab completion,
/// Ctrl+L (clear screen), Ctrl+C (abandon the line) and Ctrl+D on an empty line (end of input).
/// The line is redrawn from its start, so it may wrap over several terminal rows.
/// </summary>
internal sealed class LineEditor
{
    private readonly CommandHistory _history;
    private readonly Func<PowerShell> _createPowerShell;
    private readonly StringBuilder _buffer = new();
    private int _cursor;
    private int _originLeft;
    private int _originTop;
    private string _prompt = string.Empty;

    public LineEditor(CommandHistory history, Func<PowerShell> createPowerShell)
    {
        _history = history;
        _createPowerShell = createPowerShell;
    }

    /// <summary>Adds an entered statement to the Up/Down history.</summary>
    public void Remember(string statement) => _history.Add(statement);

    /// <summary>
    /// The line typed, or null at end of input (Ctrl+D on an empty line). Ctrl+C gives an empty line, or
    /// with <paramref name="stopOnCancel"/> (a prompt inside a running command) stops that command.
    /// </summary>
    public string? ReadLine(string prompt, bool stopOnCancel = false)
    {
        bool treatControlC = Console.TreatControlCAsInput;
        Console.TreatControlCAsInput = true;
        try
        {
            return Edit(prompt, stopOnCancel);
        }
        finally
        {
            Console.TreatControlCAsInput = treatControlC;
        }
    }

    private string? Edit(string prompt, bool stopOnCancel)
    {
        _prompt = prompt;
        _buffer.Clear();
        _cursor = 0;
        int historyIndex = _history.Count;
        string draft = string.Empty;
        TabCompletion? completion = null;
        StartLine();

        while (true)
        {
            ConsoleKeyInfo key = Console.ReadKey(intercept: true);
            bool control = (key.Modifiers & ConsoleModifiers.Control) != 0;
            if (key.Key != ConsoleKey.Tab)
            {
                completion = null;
            }

            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    _cursor = _buffer.Length;
                    Render();
                    Console.Out.Write(Environment.NewLine);
                    return _buffer.ToString();
                case ConsoleKey.C when control:
                    _cursor = _buffer.Length;
                    Render();
                    Console.Out.Write("^C" + Environment.NewLine);
                    return stopOnCancel ? throw new PipelineStoppedException() : string.Empty;
                case ConsoleKey.D when control:
                    if (_buffer.Length == 0)
                    {
                        Console.Out.Write(Environment.NewLine);
                        return null;
                    }

                    Delete(_cursor, 1);
                    break;
                case ConsoleKey.Tab:
                    completion ??= TabCompletion.Start(_buffer.ToString(), _cursor, _createPowerShell);
                    if (completion is not null)
                    {
                        var (text, cursor) = completion.Next(backwards: (key.Modifiers & ConsoleModifiers.Shift) != 0);
                        Replace(text, cursor);
                    }

                    break;
                case ConsoleKey.UpArrow:
                case ConsoleKey.DownArrow:
                    if (historyIndex == _history.Count)
                    {
                        draft = _buffer.ToString();
                    }

                    historyIndex = Math.Clamp(historyIndex + (key.Key == ConsoleKey.UpArrow ? -1 : 1), 0, _history.Count);
                    string recalled = historyIndex == _history.Count ? draft : _history[historyIndex];
                    Replace(recalled, recalled.Length);
                    break;
                case ConsoleKey.LeftArrow:
                    MoveTo(control ? WordStartBefore(_cursor) : _cursor - 1);
                    break;
                case ConsoleKey.RightArrow:
                    MoveTo(control ? WordEndAfter(_cursor) : _cursor + 1);
                    break;
                case ConsoleKey.Home:
                case ConsoleKey.A when control:
                    MoveTo(0);
                    break;
                case ConsoleKey.End:
                case ConsoleKey.E when control:
                    MoveTo(_buffer.Length);
                    break;
                case ConsoleKey.Backspace:
                    if (_cursor > 0)
                    {
                        Delete(_cursor - 1, 1);
                    }

                    break;
                case ConsoleKey.Delete:
                    Delete(_cursor, 1);
                    break;
                case ConsoleKey.U when control:
                    Delete(0, _cursor);
                    break;
                case ConsoleKey.K when control:
                    Delete(_cursor, _buffer.Length - _cursor);
                    break;
                case ConsoleKey.W when control:
                    int start = WordStartBefore(_cursor);
                    Delete(start, _cursor - start);
                    break;
                case ConsoleKey.Escape:
                    Replace(string.Empty, 0);
                    break;
                case ConsoleKey.L when control:
                    Console.Out.Write("\u001b[2J\u001b[H");
                    StartLine();
                    break;
                default:
                    if (!char.IsControl(key.KeyChar))
                    {
                        _buffer.Insert(_cursor, key.KeyChar);
                        _cursor++;
                        Render();
                    }

                    break;
            }
        }
    }

    private void StartLine()
    {
        Console.Out.Write(_prompt);
        (_originLeft, _originTop) = Console.GetCursorPosition();
        Render();
    }

    private void Replace(string text, int cursor)
    {
        _buffer.Clear().Append(text);
        _cursor = Math.Clamp(cursor, 0, _buffer.Length);
        Render();
    }

    private void Delete(int index, int count)
    {
        count = Math.Min(count, _buffer.Length - index);
        if (index < 0 || count <= 0)
        {
            return;
        }

        _buffer.Remove(index, count);
        _cursor = Math.Min(index, _buffer.Length);
        Render();
    }

    private void MoveTo(int cursor)
    {
        _cursor = Math.Clamp(cursor, 0, _buffer.Length);
        PlaceCursor();
    }

    /// <summary>Rewrites the line from its origin, clears what followed it, and places the cursor.</summary>
    private void Render()
    {
        var (width, height) = TerminalSize();
        _originTop = Math.Clamp(_originTop, 0, height - 1);
        _originLeft = Math.Clamp(_originLeft, 0, width - 1);
        Console.SetCursorPosition(_originLeft, _originTop);
        Console.Out.Write(_buffer.ToString());
        int end = _originLeft + _buffer.Length;
        if (_buffer.Length > 0 && end % width == 0)
        {
            // The terminal leaves the cursor pending at the last column: move it to the next row now,
            // so that row positions (and any scrolling) are what we compute.
            Console.Out.Write("\r\n");
        }

        Console.Out.Write("\u001b[J");
        int lastRow = _originTop + (end / width);
        if (lastRow > height - 1)
        {
            // Writing scrolled the terminal: the line now starts higher up.
            _originTop = Math.Max(0, _originTop - (lastRow - (height - 1)));
        }

        PlaceCursor();
    }

    private void PlaceCursor()
    {
        var (width, height) = TerminalSize();
        int position = _originLeft + _cursor;
        Console.SetCursorPosition(position % width, Math.Clamp(_originTop + (position / width), 0, height - 1));
    }

    /// <summary>The terminal's size; 80x24 when it reports none (some pseudo-terminals start at 0x0).</summary>
    private static (int Width, int Height) TerminalSize()
    {
        int width = Console.WindowWidth;
        int height = Console.WindowHeight;
        return (width > 0 ? width : 80, height > 0 ? height : 24);
    }

    private int WordStartBefore(int index)
    {
        int i = index;
        while (i > 0 && char.IsWhiteSpace(_buffer[i - 1]))
        {
            i--;
        }

        while (i > 0 && !char.IsWhiteSpace(_buffer[i - 1]))
        {
            i--;
        }

        return i;
    }

    private int WordEndAfter(int index)
    {
        int i = index;
        while (i < _buffer.Length && char.IsWhiteSpace(_buffer[i]))
        {
            i++;
        }

        while (i < _buffer.Length && !char.IsWhiteSpace(_buffer[i]))
        {
            i++;
        }

        return i;
    }
}
