/**
 * Each user's second cue (issue 16: colour is never the only one): the first five users wear
 * five different marks, and past that two users whose colours look alike (closer than the
 * palette's floor to some eye: core/palette's views) never share one while a mark is free.
 */
import { describe, expect, it } from "vitest";
import { MIN_VIEW_DISTANCE, viewDistance } from "../../src/core/palette.js";
import { MARKS, setUserColors, userColor, userMark } from "../../web/src/colors.js";

describe("user marks", () => {
  it("differ for the first five users, and between users of confusable colours", () => {
    // A class of 12 from a users file: the palette's 7, then colours near some of them.
    const file: Record<string, string> = {};
    const colors = ["#E69F00", "#56B4E9", "#009E73", "#FFFF00", "#EE99AA", "#6677BB", "#00EE88"];
    colors.push("#FF8800", "#4488FF", "#EEEE22", "#E69F00", "#00AA77");
    colors.forEach((c, i) => {
      file[`s${String(i).padStart(2, "0")}`] = c;
    });
    setUserColors(file);
    const users = Object.keys(file);
    const marks = users.map(userMark);
    expect(new Set(marks.slice(0, MARKS.length)).size).toBe(MARKS.length);
    for (let i = 0; i < users.length; i++)
      for (let j = 0; j < i; j++)
        if (viewDistance(userColor(users[i]!), userColor(users[j]!)) < MIN_VIEW_DISTANCE)
          expect(marks[i], `${users[i]} ${users[j]}`).not.toBe(marks[j]);
    // Asked again, the same: a mark is fixed once given.
    expect(users.map(userMark)).toEqual(marks);
    // The routers' own traffic wears none.
    expect([userMark("root"), userMark("rip")]).toEqual([0, 0]);
  });
});
