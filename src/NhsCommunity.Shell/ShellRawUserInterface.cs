using System.Globalization;
using System.Management.Automation.Host;

namespace NhsCommunity.Shell;

/// <summary>
/// The low-level console the engine asks about: sizes (used by the formatter to fit tables), colours,
/// the cursor and keys. When stdout is redirected the width is fixed (COLUMNS, else 120) so that
/// formatted output does not depend on a terminal that is not there. Buffer cell access is not offered.
/// </summary>
internal sealed class ShellRawUserInterface : PSHostRawUserInterface
{
    private const int RedirectedWidth = 120;
    private const int RedirectedHeight = 50;

    public override ConsoleColor ForegroundColor
    {
        get => Console.ForegroundColor;
        set => Console.ForegroundColor = value;
    }

    public override ConsoleColor BackgroundColor
    {
        get => Console.BackgroundColor;
        set => Console.BackgroundColor = value;
    }

    public override Coordinates CursorPosition
    {
        get
        {
            if (Console.IsOutputRedirected)
            {
                return new Coordinates(0, 0);
            }

            var (left, top) = Console.GetCursorPosition();
            return new Coordinates(left, top);
        }

        set => Console.SetCursorPosition(value.X, value.Y);
    }

    public override int CursorSize
    {
        get => 25;
        set
        {
            // Terminals on Linux have no settable cursor size.
        }
    }

    public override Size BufferSize
    {
        get => WindowSize;
        set => throw new NotSupportedException("The terminal's buffer size cannot be set from the shell.");
    }

    public override Size WindowSize
    {
        get => Console.IsOutputRedirected ? new Size(RedirectedColumns(), RedirectedHeight) : TerminalSize();
        set => throw new NotSupportedException("The terminal's window size cannot be set from the shell.");
    }

    public override Size MaxWindowSize => WindowSize;

    public override Size MaxPhysicalWindowSize => WindowSize;

    public override Coordinates WindowPosition
    {
        get => new(0, 0);
        set => throw new NotSupportedException("The terminal's window position cannot be set from the shell.");
    }

    public override bool KeyAvailable => !Console.IsInputRedirected && Console.KeyAvailable;

    public override string WindowTitle
    {
        get => string.Empty;
        set
        {
            if (!Console.IsOutputRedirected)
            {
                Console.Title = value;
            }
        }
    }

    /// <summary>Width of the terminal in cells, or the fixed width used when stdout is redirected.</summary>
    public int Width => WindowSize.Width;

    public override KeyInfo ReadKey(ReadKeyOptions options)
    {
        if (Console.IsInputRedirected)
        {
            throw new NotSupportedException("Keys cannot be read: standard input is redirected.");
        }

        bool echo = (options & ReadKeyOptions.NoEcho) == 0;
        ConsoleKeyInfo key = Console.ReadKey(intercept: !echo);
        return new KeyInfo((int)key.Key, key.KeyChar, ToControlKeyStates(key.Modifiers), keyDown: true);
    }

    public override void FlushInputBuffer()
    {
        while (KeyAvailable)
        {
            Console.ReadKey(intercept: true);
        }
    }

    public override BufferCell[,] GetBufferContents(Rectangle rectangle) =>
        throw new NotSupportedException("Reading the terminal's buffer is not supported by the NhsCommunity shell.");

    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) =>
        throw new NotSupportedException("Writing the terminal's buffer is not supported by the NhsCommunity shell.");

    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) =>
        throw new NotSupportedException("Writing the terminal's buffer is not supported by the NhsCommunity shell.");

    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) =>
        throw new NotSupportedException("Scrolling the terminal's buffer is not supported by the NhsCommunity shell.");

    private static Size TerminalSize()
    {
        try
        {
            int width = Console.WindowWidth;
            int height = Console.WindowHeight;
            return width > 0 && height > 0 ? new Size(width, height) : new Size(RedirectedColumns(), RedirectedHeight);
        }
        catch (IOException)
        {
            return new Size(RedirectedColumns(), RedirectedHeight);
        }
    }

    private static int RedirectedColumns() =>
        int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int columns) && columns > 20
            ? columns
            : RedirectedWidth;

    private static ControlKeyStates ToControlKeyStates(ConsoleModifiers modifiers)
    {
        ControlKeyStates states = 0;
        if ((modifiers & ConsoleModifiers.Shift) != 0)
        {
            states |= ControlKeyStates.ShiftPressed;
        }

        if ((modifiers & ConsoleModifiers.Control) != 0)
        {
            states |= ControlKeyStates.LeftCtrlPressed;
        }

        if ((modifiers & ConsoleModifiers.Alt) != 0)
        {
            states |= ControlKeyStates.LeftAltPressed;
        }

        return states;
    }
}
