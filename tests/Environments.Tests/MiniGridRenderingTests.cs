using System.Security.Cryptography;
using System.Text.Json;
using RLFramework.Environments.MiniGrid;

namespace RLFramework.Environments.Tests;

/// <summary>
/// MiniGrid rendering (<see cref="MiniGridEnvironment.RenderText"/>, <see cref="MiniGridEnvironment.RenderImage"/>)
/// against MiniGrid 3.1.0: the text of <c>MiniGridEnv.__str__</c> (hand-derived strings and the
/// <c>grid_ascii</c> recorded with the reference traces) and the frame of <c>get_frame(highlight=True,
/// tile_size=32)</c> (pixel values derived by hand from the drawing code, and digests of NumPy's frames).
/// </summary>
public sealed class MiniGridRenderingTests
{
    private const int Tile = 32;

    // Hand derivations used below (minigrid/utils/rendering.py, minigrid/core/grid.py):
    // - A tile is drawn at 96x96 (3 samples per pixel), sample centres at (k + 0.5) / 96.
    // - Grid lines: point_in_rect(0, 0.031, ...) holds for samples k = 0, 1, 2 (2.5 / 96 = 0.026 <= 0.031 <
    //   3.5 / 96 = 0.036): the 0.031 * 96 = 2.976-sample line covers exactly the 3 samples of pixel 0, so
    //   column 0 and row 0 of a tile are (100, 100, 100) after the mean, the rest untouched.
    // - highlight_img: p + 0.3 * (255 - p) in float64, truncated to uint8: 0 -> 76 (76.5), 100 -> 146 (146.5),
    //   255 -> 255.
    private static readonly byte[] s_greyLine = [100, 100, 100];
    private static readonly byte[] s_black = [0, 0, 0];
    private static readonly byte[] s_lightLine = [146, 146, 146];
    private static readonly byte[] s_lightBlack = [76, 76, 76];

    // ---- Text (MiniGridEnv.__str__) ----

    [Fact]
    public void Text_of_Empty_5x5_after_reset_is_walls_the_agent_facing_east_and_the_goal()
    {
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-Empty-5x5-v0");
        env.Reset(seed: 0);
        Assert.Equal(new GridPosition(1, 1), env.AgentPosition);
        Assert.Equal(0, env.AgentDirection);

        // Grey walls "WG" all round, the agent ">>" at (1, 1), empty cells "  ", the green goal "GG" at (3, 3);
        // rows joined by "\n" and no newline after the last (the source adds one only while j < height - 1).
        const string expected =
            "WGWGWGWGWG\n" +
            "WG>>    WG\n" +
            "WG      WG\n" +
            "WG    GGWG\n" +
            "WGWGWGWGWG";
        Assert.Equal(expected, env.RenderText());
    }

    [Fact]
    public void Text_shows_each_door_state_every_object_letter_and_the_agent_direction()
    {
        // Row 1: open red door, closed green door, locked blue door, yellow key, the agent facing west.
        // Row 2: purple ball, grey box, blue floor, lava, goal.
        using MiniGridEnvironment env = HandBuilt(7, 4, agent: new GridPosition(5, 1), direction: 2, cells =>
        {
            cells.Set(1, 1, WorldCell.Door(MiniGridColor.Red, WorldCell.Open));
            cells.Set(2, 1, WorldCell.Door(MiniGridColor.Green, WorldCell.Closed));
            cells.Set(3, 1, WorldCell.Door(MiniGridColor.Blue, WorldCell.Locked));
            cells.Set(4, 1, WorldCell.Object(MiniGridObjectType.Key, MiniGridColor.Yellow));
            cells.Set(1, 2, WorldCell.Object(MiniGridObjectType.Ball, MiniGridColor.Purple));
            cells.Set(2, 2, WorldCell.Object(MiniGridObjectType.Box, MiniGridColor.Grey));
            cells.Set(3, 2, new WorldCell(MiniGridObjectType.Floor, MiniGridColor.Blue, 0));
            cells.Set(4, 2, WorldCell.Lava);
            cells.Set(5, 2, WorldCell.Goal);
        });

        Assert.Equal(
            "WGWGWGWGWGWGWG\n" +
            "WG__DGLBKY<<WG\n" +
            "WGAPBGFBVRGGWG\n" +
            "WGWGWGWGWGWGWG",
            env.RenderText());

        // Turning changes only the agent's two characters: west -> north (right) -> east (right) -> north (left).
        env.Step((int)MiniGridAction.Right);
        Assert.Equal("WG__DGLBKY^^WG", Row(env.RenderText(), 1));
        env.Step((int)MiniGridAction.Right);
        Assert.Equal("WG__DGLBKY>>WG", Row(env.RenderText(), 1));
        env.Step((int)MiniGridAction.Right);
        Assert.Equal("WG__DGLBKYVVWG", Row(env.RenderText(), 1));
        env.Step((int)MiniGridAction.Right);
        Assert.Equal("WG__DGLBKY<<WG", Row(env.RenderText(), 1));

        // Picking up the key empties its cell; stepping there moves the agent; the yellow key leaves the blue door locked.
        env.Step((int)MiniGridAction.Pickup);
        Assert.Equal("WG__DGLB  <<WG", Row(env.RenderText(), 1));
        env.Step((int)MiniGridAction.Forward);
        Assert.Equal("WG__DGLB<<  WG", Row(env.RenderText(), 1));
        env.Step((int)MiniGridAction.Toggle);
        Assert.Equal("WG__DGLB<<  WG", Row(env.RenderText(), 1));
    }

    [Fact]
    public void Text_after_a_step_shows_the_step()
    {
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-Empty-5x5-v0");
        env.Reset(seed: 0);
        env.Step((int)MiniGridAction.Forward);
        Assert.Equal("WG  >>  WG", Row(env.RenderText(), 1));
        env.Step((int)MiniGridAction.Right);
        Assert.Equal("WG  VV  WG", Row(env.RenderText(), 1));
        env.Step((int)MiniGridAction.Forward);
        Assert.Equal("WG      WG", Row(env.RenderText(), 1));
        Assert.Equal("WG  VV  WG", Row(env.RenderText(), 2));
        env.Step((int)MiniGridAction.Forward); // beside the goal
        Assert.Equal("WG  VVGGWG", Row(env.RenderText(), 3));
        env.Step((int)MiniGridAction.Left);
        env.Step((int)MiniGridAction.Forward); // east onto the goal, which ends the episode: the agent hides the goal
        Assert.Equal("WG    >>WG", Row(env.RenderText(), 3));
    }

    [Theory]
    [MemberData(nameof(MiniGridLayoutTests.Ids), MemberType = typeof(MiniGridLayoutTests))]
    public void Text_equals_MiniGrid_str_recorded_with_every_reference_layout(string id)
    {
        string path = Path.Combine(MiniGridGoldenTests.GoldenDirectory, id + ".json");
        MiniGridTraceFile file = MiniGridTraceFile.Load(path);
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        int e = 0;
        foreach (JsonElement trace in document.RootElement.GetProperty("traces").EnumerateArray())
        {
            // grid_ascii is str(env).split("\n") as MiniGrid 3.1.0 printed it after reset.
            string expected = string.Join('\n', trace.GetProperty("initial").GetProperty("grid_ascii").EnumerateArray().Select(r => r.GetString()));
            using MiniGridEnvironment env = MiniGridEnvironments.Create(id);
            env.SetState(file.Episodes[e].Initial);
            Assert.Equal(expected, env.RenderText());
            e++;
        }

        Assert.Equal(3, e);
    }

    // ---- Image (get_frame / get_full_render / Grid.render / render_tile) ----

    [Fact]
    public void Image_has_32_pixels_per_cell_and_MiniGrid_frame_rate()
    {
        using MiniGridEnvironment empty = MiniGridEnvironments.Create("MiniGrid-Empty-5x5-v0");
        empty.Reset(seed: 0);
        RgbImage image = empty.RenderImage();
        Assert.Equal((5 * Tile, 5 * Tile), (image.Width, image.Height));
        Assert.Equal(10, empty.RenderFps);

        using MiniGridEnvironment doors = MiniGridEnvironments.Create("MiniGrid-RedBlueDoors-6x6-v0");
        doors.Reset(seed: 0);
        image = doors.RenderImage();
        Assert.Equal((12 * Tile, 6 * Tile), (image.Width, image.Height));
    }

    [Fact]
    public void Rendering_before_reset_throws()
    {
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-Empty-5x5-v0");
        Assert.Throws<InvalidOperationException>(() => env.RenderImage());
        Assert.Throws<InvalidOperationException>(() => env.RenderText());
    }

    [Fact]
    public void Walls_are_solid_grey_and_lightened_where_the_agent_sees_them()
    {
        // Empty-5x5 sees through walls; the agent at (1, 1) faces east, so its 7x7 view covers x = 1..7,
        // y = -2..4: every wall except the column x = 0 is highlighted.
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-Empty-5x5-v0");
        env.Reset(seed: 0);
        RgbImage image = env.RenderImage();

        // Wall.render fills the whole tile, grid lines included, with COLORS["grey"].
        AssertTileIs(image, 0, 2, (_, _) => s_greyLine);
        AssertTileIs(image, 0, 0, (_, _) => s_greyLine);

        // Highlighted: 100 + 0.3 * 155 = 146.5 -> 146 in every sample, so in every pixel.
        AssertTileIs(image, 4, 2, (_, _) => s_lightLine);
        AssertTileIs(image, 2, 0, (_, _) => s_lightLine);
    }

    [Fact]
    public void An_empty_cell_is_black_with_its_grid_lines_and_lightened_in_view()
    {
        // Empty-8x8: the agent at (1, 1) faces east; its view covers y = -2..4, so (1, 6) is outside it
        // and (2, 3) inside.
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-Empty-8x8-v0");
        env.Reset(seed: 0);
        RgbImage image = env.RenderImage();

        // The top row and left column are the grid lines (3 of 3 samples grey: exactly 100), the rest black.
        AssertTileIs(image, 1, 6, (x, y) => x == 0 || y == 0 ? s_greyLine : s_black);

        // Highlighted: lines 146, black 0 + 0.3 * 255 = 76.5 -> 76.
        AssertTileIs(image, 2, 3, (x, y) => x == 0 || y == 0 ? s_lightLine : s_lightBlack);
    }

    [Fact]
    public void The_goal_fills_its_tile_green_and_is_lightened_in_view()
    {
        // Goal.render fills the whole tile (over the grid lines) with COLORS["green"] = (0, 255, 0).
        using MiniGridEnvironment outOfView = MiniGridEnvironments.Create("MiniGrid-Empty-8x8-v0");
        outOfView.Reset(seed: 0);
        AssertTileIs(outOfView.RenderImage(), 6, 6, (_, _) => [0, 255, 0]);

        // In view (Empty-5x5, goal at (3, 3)): 0 -> 76, 255 -> 255 + 0.3 * 0 = 255.
        using MiniGridEnvironment inView = MiniGridEnvironments.Create("MiniGrid-Empty-5x5-v0");
        inView.Reset(seed: 0);
        AssertTileIs(inView.RenderImage(), 3, 3, (_, _) => [76, 255, 76]);
    }

    [Fact]
    public void Highlight_is_numpy_uint8_blend_truncated_for_every_byte()
    {
        // highlight_img(np.arange(256, dtype=np.uint8) as an image) under NumPy 1.24.2.
        byte[] expected = Convert.FromHexString(
            "4c4d4d4e4f5050515252535454555657575859595a5b5b5c5d5e5e5f6060616262636465656667676869696a6b6c6c6d6e6e6f7070717273737475757677" +
            "7778797a7a7b7c7c7d7e7e7f80818182838384858586878888898a8a8b8c8c8d8e8f8f90919192939394959696979898999a9a9b9c9d9d9e9f9fa0a1a1a2" +
            "a3a4a4a5a6a6a7a8a8a9aaababacadadaeafafb0b1b2b2b3b4b4b5b6b6b7b8b9b9babbbbbcbdbdbebfc0c0c1c2c2c3c4c4c5c6c7c7c8c9c9cacbcbcccdce" +
            "cecfd0d0d1d2d2d3d4d5d5d6d7d7d8d9d9dadbdcdcdddededfe0e0e1e2e3e3e4e5e5e6e7e7e8e9eaeaebececedeeeeeff0f1f1f2f3f3f4f5f5f6f7f8f8f9" +
            "fafafbfcfcfdfeff");
        var image = new byte[256];
        for (int i = 0; i < 256; i++)
        {
            image[i] = (byte)i;
        }

        MiniGridRaster.HighlightImg(image);
        Assert.Equal(expected, image);
        Assert.Equal(76, image[0]); // 0 + 0.3 * 255 = 76.5
        Assert.Equal(146, image[100]); // 100 + 0.3 * 155 = 146.5
        Assert.Equal(165, image[127]); // 127 + 0.3 * 128 = 165.4
        Assert.Equal(255, image[255]);
    }

    [Fact]
    public void The_agent_triangle_points_the_way_the_agent_faces()
    {
        // The triangle (0.12, 0.19), (0.87, 0.50), (0.12, 0.81) has its tip at (0.87, 0.5): pixel (27, 16) for
        // east. Of that pixel's 9 samples only (81, 48), centre (0.849, 0.505), is inside, so on the
        // highlighted agent tile the red channel is ((255 + 76 + 76) / 3 + 76 + 76) / 3 = 95.9 -> 95 and the
        // others 76. rotate_fn turns the tip to (16, 27) south, (4, 16) west and (16, 4) north; the base of
        // the triangle covers the opposite tip's pixel entirely (255, 76, 76); the side pixels stay 76.
        (int X, int Y)[] tips = [(27, 16), (16, 27), (4, 16), (16, 4)];
        byte[] tip = [95, 76, 76];
        byte[] baseRed = [255, 76, 76];

        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-Empty-5x5-v0");
        env.Reset(seed: 0);
        for (int turn = 0; turn < 5; turn++)
        {
            int d = env.AgentDirection;
            Assert.Equal(turn % 4, d);
            RgbImage image = env.RenderImage();
            GridPosition agent = env.AgentPosition;
            for (int k = 0; k < 4; k++)
            {
                byte[] expected = k == d ? tip : k == (d + 2) % 4 ? baseRed : s_lightBlack;
                byte[] actual = image[(agent.X * Tile) + tips[k].X, (agent.Y * Tile) + tips[k].Y].ToArray();
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"facing {d}, tip pixel of direction {k}: ({string.Join(", ", actual)})");
            }

            env.Step((int)MiniGridAction.Right);
        }
    }

    [Fact]
    public void Rotation_uses_the_cos_and_sin_values_Python_uses()
    {
        // math.cos(-theta), math.sin(-theta) for theta = 0.5 * math.pi * d in CPython (glibc), d = 1, 2, 3.
        Assert.Equal(6.123233995736766e-17, Math.Cos(-(0.5 * Math.PI * 1)));
        Assert.Equal(-1.0, Math.Sin(-(0.5 * Math.PI * 1)));
        Assert.Equal(-1.0, Math.Cos(-(0.5 * Math.PI * 2)));
        Assert.Equal(-1.2246467991473532e-16, Math.Sin(-(0.5 * Math.PI * 2)));
        Assert.Equal(-1.8369701987210297e-16, Math.Cos(-(0.5 * Math.PI * 3)));
        Assert.Equal(1.0, Math.Sin(-(0.5 * Math.PI * 3)));
    }

    [Fact]
    public void Closed_and_locked_doors_are_drawn_as_the_source_says()
    {
        // Yellow doors at (1, 1) closed, (2, 1) locked, (3, 1) open; the agent at (5, 1) faces the east wall,
        // so the doors behind it are not highlighted.
        using MiniGridEnvironment env = HandBuilt(7, 3, agent: new GridPosition(5, 1), direction: 0, cells =>
        {
            cells.Set(1, 1, WorldCell.Door(MiniGridColor.Yellow, WorldCell.Closed));
            cells.Set(2, 1, WorldCell.Door(MiniGridColor.Yellow, WorldCell.Locked));
            cells.Set(3, 1, WorldCell.Door(MiniGridColor.Yellow, WorldCell.Open));
        });
        RgbImage image = env.RenderImage();
        byte[] yellow = [255, 255, 0];

        // Closed: frame, black gap, panel, black inside (0.12..0.88), handle circle (0.75, 0.50) r 0.08.
        Assert.Equal(s_black, Pixel(image, 1, 1, 16, 10));
        Assert.Equal(yellow, Pixel(image, 1, 1, 24, 16)); // handle: samples 0.755..0.776 x 0.505..0.526
        Assert.Equal(s_black, Pixel(image, 1, 1, 20, 16)); // no key slot
        Assert.Equal(yellow, Pixel(image, 1, 1, 0, 16)); // the frame covers the grid line

        // Locked: panel 0.45 * COLORS["yellow"] = (114.75, 114.75, 0) stored as uint8 -> (114, 114, 0), key slot
        // (0.52..0.75, 0.50..0.56) in the door colour, no handle.
        Assert.Equal([114, 114, 0], Pixel(image, 2, 1, 16, 10));
        Assert.Equal(yellow, Pixel(image, 2, 1, 20, 16));
        Assert.Equal([114, 114, 0], Pixel(image, 2, 1, 24, 16));

        // Open: a strip (0.88..1.00) in the door colour with a black inside (0.92..0.96); pixel 29 has samples
        // 0.911 (strip), 0.922 and 0.932 (black): 255 / 3 = 85. The grid lines stay.
        Assert.Equal([85, 85, 0], Pixel(image, 3, 1, 29, 16));
        Assert.Equal(yellow, Pixel(image, 3, 1, 31, 16));
        Assert.Equal(s_greyLine, Pixel(image, 3, 1, 0, 16));
        Assert.Equal(s_black, Pixel(image, 3, 1, 16, 16));
    }

    [Fact]
    public void Every_object_colour_and_door_state_matches_NumPy_byte_for_byte()
    {
        // Keys, balls, boxes, closed, locked and open doors, floors and walls of the six colours, a goal, lava and
        // a blue goal; the agent stands on the open yellow door facing south; walls and closed doors occlude.
        using MiniGridEnvironment env = HandBuilt(10, 11, agent: new GridPosition(3, 6), direction: 1, cells =>
        {
            for (int c = 0; c < 6; c++)
            {
                var color = (MiniGridColor)c;
                cells.Set(c + 1, 1, WorldCell.Object(MiniGridObjectType.Key, color));
                cells.Set(c + 1, 2, WorldCell.Object(MiniGridObjectType.Ball, color));
                cells.Set(c + 1, 3, WorldCell.Object(MiniGridObjectType.Box, color));
                cells.Set(c + 1, 4, WorldCell.Door(color, WorldCell.Closed));
                cells.Set(c + 1, 5, WorldCell.Door(color, WorldCell.Locked));
                cells.Set(c + 1, 6, WorldCell.Door(color, WorldCell.Open));
                cells.Set(c + 1, 7, new WorldCell(MiniGridObjectType.Floor, color, 0));
                cells.Set(c + 1, 8, new WorldCell(MiniGridObjectType.Wall, color, 0));
            }

            cells.Set(1, 9, WorldCell.Goal);
            cells.Set(2, 9, WorldCell.Lava);
            cells.Set(3, 9, new WorldCell(MiniGridObjectType.Goal, MiniGridColor.Blue, 0));
        });

        // SHA-256 of the frame that MiniGrid 3.1.0's rendering code (get_full_render, Grid.render,
        // render_tile, the objects' render, rendering.py) gives for this world under NumPy 1.24.2, the
        // NumPy of the reference traces.
        Assert.Equal("531f61f4af5222a88f35f4cb4138e89d985ce8a6440ccfc224cb1a5350f972c7", Digest(env.RenderImage()));
    }

    [Theory]
    [MemberData(nameof(MiniGridLayoutTests.Ids), MemberType = typeof(MiniGridLayoutTests))]
    public void Every_frame_of_every_reference_trace_matches_NumPy_byte_for_byte(string id)
    {
        // SHA-256 over the frames after reset and after every step of the three traces, in order, as MiniGrid
        // 3.1.0's rendering code draws them under NumPy 1.24.2.
        var expected = new Dictionary<string, string>
        {
            ["MiniGrid-Empty-5x5-v0"] = "bc458b1d6cd48d2b85a3d33d6cc01d90fd37864815a1ab666314a41b287e83a7",
            ["MiniGrid-Empty-Random-5x5-v0"] = "37227f316d9c764dffe6f81052636e4e5df23336561e89502d2ce4cc1be6b82f",
            ["MiniGrid-Empty-8x8-v0"] = "1e97e6f576742307ce17946a79cf41f9638f411e1bd2aefbbebc5f95559c4840",
            ["MiniGrid-DoorKey-5x5-v0"] = "80be863b3d57c5cf8bd4cd980dae8cb3d90bff83f234903acc8681ca8dad15e7",
            ["MiniGrid-DoorKey-8x8-v0"] = "d0a631c73c1591b212dc44f36cfd75dc2015fa6239f7f70d223418981245c168",
            ["MiniGrid-FourRooms-v0"] = "dc6afdefefd59637747ff6ac42fec192989340fc18f39b1690bba2defc81a9a8",
            ["MiniGrid-Unlock-v0"] = "df4027d3139b5ba0db204dabb56d91a279df98ab39c8501d3833021503bdba4f",
            ["MiniGrid-KeyCorridorS3R1-v0"] = "d7ca57613f8c9db2eb259822c8bd2e9c13e721867c8babd77e7d2ce275492619",
            ["MiniGrid-GoToDoor-5x5-v0"] = "8a80b9b2576a81dd803a4922f4c3779925712308b5d7e675d4981a0233391960",
            ["MiniGrid-Fetch-5x5-N2-v0"] = "d3f09f41bb83e9c564827f1b834e1e38f876943071f911bde6a385e38bc9e110",
            ["MiniGrid-PutNear-6x6-N2-v0"] = "5a17c2e1cb33cc1f89bb602c55de5577ae5a313709d1c63c86972626a09475d8",
            ["MiniGrid-RedBlueDoors-6x6-v0"] = "abe1b49e7fdcd0b5f90b9685a27c5b28d1fe66fdba364226a07e41e7f4aca5b5",
            ["MiniGrid-LavaGapS5-v0"] = "df786b956ed522ae4cebbbde305abe5753991f0b67f68c9d5b4a18d119959b05",
        };

        MiniGridTraceFile file = MiniGridTraceFile.Load(Path.Combine(MiniGridGoldenTests.GoldenDirectory, id + ".json"));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (MiniGridTraceEpisode episode in file.Episodes)
        {
            using MiniGridEnvironment env = MiniGridEnvironments.Create(id);
            env.SetState(episode.Initial);
            hash.AppendData(env.RenderImage().Pixels);
            foreach (MiniGridTraceStep step in episode.Steps)
            {
                env.Step(step.Action);
                hash.AppendData(env.RenderImage().Pixels);
            }
        }

        Assert.Equal(expected[id], Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    [Fact]
    public void Rendering_is_repeatable_and_changes_nothing_the_environment_does()
    {
        using MiniGridEnvironment plain = MiniGridEnvironments.Create("MiniGrid-DoorKey-8x8-v0");
        using MiniGridEnvironment shown = MiniGridEnvironments.Create("MiniGrid-DoorKey-8x8-v0");
        var random = new Random(5);
        int seed = 3;
        plain.Reset(seed);
        shown.Reset(seed);
        var plainSnapshot = new byte[plain.SnapshotSize];
        var shownSnapshot = new byte[shown.SnapshotSize];
        for (int t = 0; t < 400; t++)
        {
            RgbImage first = shown.RenderImage();
            string text = shown.RenderText();
            RgbImage second = shown.RenderImage();
            Assert.True(first.Pixels.SequenceEqual(second.Pixels), $"step {t}: two renders differ");
            Assert.Equal(text, shown.RenderText());

            int action = random.Next(MiniGridEnvironment.ActionCount);
            StepResult<MiniGridObservation> a = plain.Step(action);
            StepResult<MiniGridObservation> b = shown.Step(action);
            Assert.True(a.Observation.Image.Span.SequenceEqual(b.Observation.Image.Span), $"step {t}: observations differ");
            Assert.Equal(a.Observation.Direction, b.Observation.Direction);
            Assert.Equal(BitConverter.DoubleToInt64Bits(a.Reward), BitConverter.DoubleToInt64Bits(b.Reward));
            Assert.Equal((a.Terminated, a.Truncated), (b.Terminated, b.Truncated));
            Assert.Equal(plain.StepCount, shown.StepCount);
            plain.WriteSnapshot(plainSnapshot);
            shown.WriteSnapshot(shownSnapshot);
            Assert.Equal(plainSnapshot, shownSnapshot);
            if (a.Done)
            {
                seed++;
                plain.Reset(seed);
                shown.Reset(seed);
            }
        }
    }

    [Fact]
    public void Rendering_allocates_only_the_returned_frame_and_text()
    {
        using MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-FourRooms-v0");
        env.Reset(seed: 1);
        _ = env.RenderImage(); // draws and caches the tiles this layout needs

        // The median of many renders, so that the runtime's own occasional allocations (tiered JIT) do not count.
        const int renders = 21;
        var imageExtra = new long[renders];
        var textExtra = new long[renders];
        for (int i = 0; i < renders; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            RgbImage image = env.RenderImage();
            imageExtra[i] = GC.GetAllocatedBytesForCurrentThread() - before - image.Pixels.Length;

            before = GC.GetAllocatedBytesForCurrentThread();
            string text = env.RenderText();
            textExtra[i] = GC.GetAllocatedBytesForCurrentThread() - before - (2 * text.Length);
        }

        Array.Sort(imageExtra);
        Array.Sort(textExtra);
        Assert.InRange(imageExtra[renders / 2], 0, 128); // the RgbImage object and the array header
        Assert.InRange(textExtra[renders / 2], 0, 64); // the string header
    }

    [Fact]
    public void Registry_environments_render_through_their_wrappers()
    {
        using IEnvironment env = EnvironmentRegistry.Make("MiniGrid-Empty-5x5-v0");
        ((IEnvironment<ReadOnlyMemory<float>, int>)env).Reset(seed: 0);
        ITextRenderable text = Assert.IsAssignableFrom<ITextRenderable>(Rendering.TextOf(env));
        IImageRenderable image = Assert.IsAssignableFrom<IImageRenderable>(Rendering.ImageOf(env));
        Assert.Equal(10, image.RenderFps);
        Assert.Equal("WG>>    WG", Row(text.RenderText(), 1));
        Assert.Equal((160, 160), (image.RenderImage().Width, image.RenderImage().Height));
    }

    // ---- Helpers ----

    /// <summary>Cells of a hand-built world: grey walls all round, empty inside, until set.</summary>
    private sealed class Cells(int width, int height)
    {
        public WorldCell[] Array { get; } = MiniGridEnvironmentTests.Room(width, height);

        public void Set(int x, int y, WorldCell cell) => Array[(x * height) + y] = cell;
    }

    /// <summary>A DoorKey environment (walls and closed doors occlude) set to a hand-built world.</summary>
    private static MiniGridEnvironment HandBuilt(int width, int height, GridPosition agent, int direction, Action<Cells> fill)
    {
        var cells = new Cells(width, height);
        fill(cells);
        MiniGridEnvironment env = MiniGridEnvironments.Create("MiniGrid-DoorKey-5x5-v0");
        env.SetState(new MiniGridState
        {
            Width = width,
            Height = height,
            Cells = cells.Array,
            AgentPosition = agent,
            AgentDirection = direction,
            Mission = env.Missions[0],
            MaxSteps = 100,
        });
        return env;
    }

    private static string Row(string text, int row) => text.Split('\n')[row];

    private static byte[] Pixel(RgbImage image, int cellX, int cellY, int x, int y) =>
        image[(cellX * Tile) + x, (cellY * Tile) + y].ToArray();

    private static string Digest(RgbImage image) => Convert.ToHexStringLower(SHA256.HashData(image.Pixels));

    /// <summary>Asserts every pixel (x, y) of cell (cellX, cellY) equals <paramref name="expected"/>(x, y).</summary>
    private static void AssertTileIs(RgbImage image, int cellX, int cellY, Func<int, int, byte[]> expected)
    {
        for (int y = 0; y < Tile; y++)
        {
            for (int x = 0; x < Tile; x++)
            {
                byte[] actual = Pixel(image, cellX, cellY, x, y);
                byte[] want = expected(x, y);
                if (!want.AsSpan().SequenceEqual(actual))
                {
                    Assert.Fail($"cell ({cellX}, {cellY}) pixel ({x}, {y}) is ({string.Join(", ", actual)}), expected ({string.Join(", ", want)})");
                }
            }
        }
    }
}
