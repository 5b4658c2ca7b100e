using RLFramework.Environments.ToyText;
using RLFramework.Environments.Wrappers;

namespace RLFramework.Environments.Tests;

/// <summary>
/// The ansi frames of the toy-text environments against strings written out by hand from the rules of Gymnasium's
/// <c>_render_text</c> (frozen_lake.py, cliffwalking.py, taxi.py) and <c>utils.colorize</c>:
/// "ESC[" + code (+10 for a highlight) + (";1" when bold) + "m" + text + "ESC[0m".
/// </summary>
public class ToyTextRenderingTests
{
    private const string Reset = "\x1b[0m";

    private static string RedHighlight(string cell) => "\x1b[41m" + cell + Reset;

    private static string YellowHighlight(string cell) => "\x1b[43m" + cell + Reset;

    private static string GreenHighlight(string cell) => "\x1b[42m" + cell + Reset;

    private static string BoldBlue(string cell) => "\x1b[34;1m" + cell + Reset;

    private static string Magenta(string cell) => "\x1b[35m" + cell + Reset;

    [Fact]
    public void Colorize_follows_gymnasium_utils_colorize()
    {
        Assert.Equal("\x1b[31mx\x1b[0m", Ansi.Colorize("x", AnsiColor.Red));
        Assert.Equal("\x1b[41mx\x1b[0m", Ansi.Colorize("x", AnsiColor.Red, highlight: true));
        Assert.Equal("\x1b[34;1mx\x1b[0m", Ansi.Colorize("x", AnsiColor.Blue, bold: true));
        Assert.Equal("\x1b[47;1mx\x1b[0m", Ansi.Colorize("x", AnsiColor.White, bold: true, highlight: true));
        Assert.Equal("\x1b[30mx\x1b[0m", Ansi.Colorize("x", AnsiColor.Gray));
        Assert.Equal("\x1b[38mx\x1b[0m", Ansi.Colorize("x", AnsiColor.Crimson));
    }

    [Fact]
    public void FrozenLake_4x4_after_reset_has_an_empty_action_line_and_the_start_highlighted()
    {
        using var env = new FrozenLakeEnvironment();
        env.Reset(seed: 0);
        string expected = "\n" + RedHighlight("S") + "FFF\nFHFH\nFFFH\nHFFG\n";
        Assert.Equal(expected, env.RenderText());
    }

    [Fact]
    public void FrozenLake_4x4_after_a_step_names_the_action_first_and_highlights_the_new_cell()
    {
        using var env = new FrozenLakeEnvironment(new FrozenLakeOptions { IsSlippery = false });
        env.Reset(seed: 0);
        Assert.Equal(4, env.Step(1).Observation);
        string expected = "  (Down)\nSFFF\n" + RedHighlight("F") + "HFH\nFFFH\nHFFG\n";
        Assert.Equal(expected, env.RenderText());

        Assert.Equal(5, env.Step(2).Observation); // into the hole at row 1, column 1
        expected = "  (Right)\nSFFF\nF" + RedHighlight("H") + "FH\nFFFH\nHFFG\n";
        Assert.Equal(expected, env.RenderText());
    }

    [Fact]
    public void FrozenLake_8x8_highlights_the_cell_in_the_big_map()
    {
        using var env = new FrozenLakeEnvironment(new FrozenLakeOptions { MapName = "8x8", IsSlippery = false });
        env.Reset(seed: 3);
        env.Step(2);
        env.Step(2);
        env.Step(1);
        env.Step(0);
        Assert.Equal(9, env.CurrentState);
        string expected = "  (Left)\n"
            + "SFFFFFFF\n"
            + "F" + RedHighlight("F") + "FFFFFF\n"
            + "FFFHFFFF\n"
            + "FFFFFHFF\n"
            + "FFFHFFFF\n"
            + "FHHFFFHF\n"
            + "FHFFHFHF\n"
            + "FFFHFFFG\n";
        Assert.Equal(expected, env.RenderText());
    }

    [Fact]
    public void FrozenLake_renders_its_own_custom_map()
    {
        using var env = new FrozenLakeEnvironment(new FrozenLakeOptions { Desc = ["SFG", "FHF"], IsSlippery = false });
        env.Reset(seed: 0);
        Assert.Equal("\n" + RedHighlight("S") + "FG\nFHF\n", env.RenderText());
        env.Step(3); // up at the top row: stays
        Assert.Equal("  (Up)\n" + RedHighlight("S") + "FG\nFHF\n", env.RenderText());
        env.Step(2);
        env.Step(2);
        Assert.Equal("  (Right)\nSF" + RedHighlight("G") + "\nFHF\n", env.RenderText());
    }

    [Fact]
    public void CliffWalking_at_the_start_strips_the_line_ends_and_ends_with_an_empty_line()
    {
        using var env = new CliffWalkingEnvironment();
        env.Reset(seed: 0);
        const string Open = "o  o  o  o  o  o  o  o  o  o  o  o\n";
        string expected = Open + Open + Open + "x  C  C  C  C  C  C  C  C  C  C  T\n" + "\n";
        Assert.Equal(expected, env.RenderText());
    }

    [Fact]
    public void CliffWalking_after_steps_moves_the_x_and_shows_no_action_line()
    {
        using var env = new CliffWalkingEnvironment();
        env.Reset(seed: 0);
        env.Step(0); // up to row 2, column 0
        const string Open = "o  o  o  o  o  o  o  o  o  o  o  o\n";
        string expected = Open + Open + "x  o  o  o  o  o  o  o  o  o  o  o\n" + "o  C  C  C  C  C  C  C  C  C  C  T\n" + "\n";
        Assert.Equal(expected, env.RenderText());

        env.Step(1); // right to row 2, column 1
        expected = Open + Open + "o  x  o  o  o  o  o  o  o  o  o  o\n" + "o  C  C  C  C  C  C  C  C  C  C  T\n" + "\n";
        Assert.Equal(expected, env.RenderText());

        for (int i = 0; i < 10; i++)
        {
            env.Step(1);
        }

        env.Step(2); // down into the goal: the x replaces the T, right-stripped
        Assert.Equal(47, env.CurrentState);
        expected = Open + Open + Open + "o  C  C  C  C  C  C  C  C  C  C  x\n" + "\n";
        Assert.Equal(expected, env.RenderText());
    }

    [Fact]
    public void Taxi_with_the_passenger_waiting_highlights_taxi_passenger_and_destination()
    {
        using var env = new TaxiEnvironment();
        env.Reset(seed: 0);
        env.SetState(TaxiEnvironment.Encode(2, 2, 0, 3)); // taxi at row 2, column 2; passenger at R; destination B
        string expected = "+---------+\n"
            + "|" + BoldBlue("R") + ": | : :G|\n"
            + "| : | : : |\n"
            + "| : :" + YellowHighlight(" ") + ": : |\n"
            + "| | : | : |\n"
            + "|Y| : |" + Magenta("B") + ": |\n"
            + "+---------+\n"
            + "\n";
        Assert.Equal(expected, env.RenderText());

        env.Step(1); // north
        expected = "+---------+\n"
            + "|" + BoldBlue("R") + ": | : :G|\n"
            + "| : |" + YellowHighlight(" ") + ": : |\n"
            + "| : : : : |\n"
            + "| | : | : |\n"
            + "|Y| : |" + Magenta("B") + ": |\n"
            + "+---------+\n"
            + "  (North)\n";
        Assert.Equal(expected, env.RenderText());
    }

    [Fact]
    public void Taxi_at_the_passenger_nests_the_colours_and_after_the_pickup_turns_green()
    {
        using var env = new TaxiEnvironment();
        env.Reset(seed: 0);
        env.SetState(TaxiEnvironment.Encode(0, 0, 0, 1)); // taxi and passenger at R; destination G
        string expected = "+---------+\n"
            + "|" + BoldBlue(YellowHighlight("R")) + ": | : :" + Magenta("G") + "|\n"
            + "| : | : : |\n"
            + "| : : : : |\n"
            + "| | : | : |\n"
            + "|Y| : |B: |\n"
            + "+---------+\n"
            + "\n";
        Assert.Equal(expected, env.RenderText());

        StepResult<int> pickup = env.Step(4);
        Assert.Equal(TaxiEnvironment.Encode(0, 0, 4, 1), pickup.Observation);
        expected = "+---------+\n"
            + "|" + GreenHighlight("R") + ": | : :" + Magenta("G") + "|\n"
            + "| : | : : |\n"
            + "| : : : : |\n"
            + "| | : | : |\n"
            + "|Y| : |B: |\n"
            + "+---------+\n"
            + "  (Pickup)\n";
        Assert.Equal(expected, env.RenderText());

        env.Step(0); // south: a blank cell under a passenger-carrying taxi shows '_'
        expected = "+---------+\n"
            + "|R: | : :" + Magenta("G") + "|\n"
            + "|" + GreenHighlight("_") + ": | : : |\n"
            + "| : : : : |\n"
            + "| | : | : |\n"
            + "|Y| : |B: |\n"
            + "+---------+\n"
            + "  (South)\n";
        Assert.Equal(expected, env.RenderText());
    }

    [Fact]
    public void Taxi_after_a_seeded_reset_draws_the_decoded_state_with_an_empty_action_line()
    {
        using var env = new TaxiEnvironment();
        int state = env.Reset(seed: 42).Observation;
        (int row, int col, int passenger, int destination) = TaxiEnvironment.Decode(state);
        string frame = env.RenderText();
        Assert.EndsWith("+---------+\n\n", frame, StringComparison.Ordinal);

        using var other = new TaxiEnvironment();
        other.SetState(TaxiEnvironment.Encode(row, col, passenger, destination));
        Assert.Equal(frame, other.RenderText());
    }

    [Fact]
    public void Taxi_frames_of_every_state_show_the_map_once_the_colour_codes_are_removed()
    {
        string[] map = ["+---------+", "|R: | : :G|", "| : | : : |", "| : : : : |", "| | : | : |", "|Y| : |B: |", "+---------+"];
        using var env = new TaxiEnvironment();
        for (int state = 0; state < 500; state++)
        {
            env.SetState(state);
            (int row, int col, int passenger, _) = TaxiEnvironment.Decode(state);
            char[][] expected = Array.ConvertAll(map, line => line.ToCharArray());
            if (passenger == 4 && expected[1 + row][(2 * col) + 1] == ' ')
            {
                expected[1 + row][(2 * col) + 1] = '_';
            }

            string plain = System.Text.RegularExpressions.Regex.Replace(env.RenderText(), "\x1b\\[[0-9;]*m", string.Empty);
            Assert.Equal(string.Join('\n', Array.ConvertAll(expected, line => new string(line))) + "\n\n", plain);
        }
    }

    [Fact]
    public void The_last_action_is_cleared_by_reset_and_by_set_state()
    {
        using var env = new FrozenLakeEnvironment(new FrozenLakeOptions { IsSlippery = false });
        env.Reset(seed: 0);
        env.Step(2);
        Assert.StartsWith("  (Right)\n", env.RenderText(), StringComparison.Ordinal);
        env.Reset();
        Assert.StartsWith("\n" + RedHighlight("S"), env.RenderText(), StringComparison.Ordinal);
        env.Step(2);
        env.SetState(6);
        Assert.Equal("\nSFFF\nFH" + RedHighlight("F") + "H\nFFFH\nHFFG\n", env.RenderText());
    }

    [Fact]
    public void Rendering_before_reset_throws_and_render_fps_is_the_reference_four()
    {
        using var lake = new FrozenLakeEnvironment();
        using var cliff = new CliffWalkingEnvironment();
        using var taxi = new TaxiEnvironment();
        foreach (ToyTextEnvironment env in new ToyTextEnvironment[] { lake, cliff, taxi })
        {
            Assert.Throws<InvalidOperationException>(() => env.RenderText());
            Assert.Equal(4, env.RenderFps);
        }
    }

    [Theory]
    [InlineData("FrozenLake-v1")]
    [InlineData("FrozenLake8x8-v1")]
    [InlineData("CliffWalking-v0")]
    [InlineData("Taxi-v3")]
    public void Registered_environments_render_through_their_wrappers(string id)
    {
        using var env = Environments.Make<int, int>(id);
        ITextRenderable renderer = Rendering.TextOf(env) ?? throw new InvalidOperationException($"{id} has no text renderer.");
        env.Reset(seed: 1);
        Assert.Equal(((ToyTextEnvironment)env.Unwrapped()).RenderText(), renderer.RenderText());
    }

    [Theory]
    [InlineData("FrozenLake8x8-v1", "")]
    [InlineData("CliffWalking-v0", "slippery")]
    [InlineData("Taxi-v3", "rainy")]
    [InlineData("Taxi-v3", "fickle")]
    public void Rendering_does_not_change_the_trajectory(string id, string variant)
    {
        EnvironmentOptions options = variant switch
        {
            "slippery" => EnvironmentOptions.FromPairs(("is_slippery", true)),
            "rainy" => EnvironmentOptions.FromPairs(("is_rainy", true)),
            "fickle" => EnvironmentOptions.FromPairs(("fickle_passenger", true)),
            _ => EnvironmentOptions.FromPairs(),
        };
        List<(int, double, bool, bool)> plain = Run(id, options, render: false);
        List<(int, double, bool, bool)> rendered = Run(id, options, render: true);
        Assert.Equal(plain, rendered);
    }

    private static List<(int, double, bool, bool)> Run(string id, EnvironmentOptions options, bool render)
    {
        using var env = Environments.Make<int, int>(id, options);
        ITextRenderable renderer = Rendering.TextOf(env)!;
        var actions = new Random(7);
        var trace = new List<(int, double, bool, bool)>();
        int seed = 11;
        trace.Add((env.Reset(seed).Observation, 0, false, false));
        for (int t = 0; t < 600; t++)
        {
            if (render)
            {
                Assert.NotEmpty(renderer.RenderText());
            }

            StepResult<int> step = env.Step(actions.Next(((Spaces.Discrete)env.ActionSpace).N));
            trace.Add((step.Observation, step.Reward, step.Terminated, step.Truncated));
            if (step.Terminated || step.Truncated)
            {
                trace.Add((env.Reset().Observation, 0, false, false));
            }
        }

        return trace;
    }
}
