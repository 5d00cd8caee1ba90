// The Exercise tab: backprop by hand on a graph from autograd.exercises, marked in the worker
// by autograd.exercises.check, whose message (the diagnosis, or how many are right) is shown.
import { element, reveal } from "./show.js";

const $ = (id) => document.getElementById(id);

// view: the panel's graph view (graphview.js), which lays the exercise's graph out to fit the box.
export function createExercise({ py, say, view }) {
  let exercise = null;
  let asked = 0;  // the latest New exercise: an earlier one that lands later must not draw over it

  // A class's exercise: the class code and the student's id make the seed (in Python, as the teacher's grade does).
  function forClass() {
    return { course: $("exercise-course").value, student: $("exercise-student").value,
             number: Number($("exercise-number").value) };
  }

  async function create() {
    const level = Number($("exercise-level").value);
    const seed = Number($("exercise-seed").value);
    const { course, student, number } = forClass();
    const classy = course.trim() !== "" || student.trim() !== "";
    if (course.trim() !== "" && student.trim() === "") {  // a class's link opened: the id is still to come
      say(`Class ${course.trim()}: type your id (as on the class list), then Enter or New exercise.`);
      setTimeout(() => $("exercise-student").focus());  // once the tab is shown (this runs as it opens)
      return null;
    }
    if (!classy && (!Number.isInteger(seed) || seed < 0)) {
      say(`the exercise's seed must be a whole number from 0; got ${$("exercise-seed").value}`, "error");
      return null;
    }
    const mine = ++asked;
    let made;
    try {
      made = await py.call("exercise", classy ? { level, course, student, number } : { level, seed });
    } catch (error) {
      if (mine === asked) say(error.message, "error");
      return null;
    }
    if (mine !== asked) return null;  // a newer one was asked for meanwhile: it is the one shown
    exercise = made;
    if (classy) say(`exercise ${number} of ${exercise.student.id} in ${course.trim()}: seed ${exercise.seedText}`);
    $("exercise-rows").hidden = true;
    await show();
    if (mine !== asked) return null;
    const table = $("exercise-answers");
    table.replaceChildren();
    for (const name of exercise.names) {
      const row = table.insertRow();
      row.insertCell().append(element("code", `dL/d${name} =`));
      const input = element("input");
      input.dataset.testid = `answer-${name}`;
      input.dataset.node = name;
      input.setAttribute("aria-label", `dL/d${name}`);
      input.inputMode = "decimal";
      row.insertCell().append(input);
      row.insertCell().className = "mark";
    }
    $("exercise-forward").replaceChildren(...exercise.forward.map((line) => element("li", line)));
    $("exercise-diagnosis").textContent = "";
    return exercise;
  }

  // The exercise's graph in the panel (made first if there is none yet).
  async function show() {
    if (!exercise) return create();
    view.fit();  // a graph of its own: Fit, whatever the derivation's zoom was
    await view.draw(exercise.dots);  // drawn both ways by Python
    view.keep(() => null);
    return exercise;
  }

  // The boxes filled in, as numbers; null (and a message) when one is not a number.
  function given() {
    const answers = {};
    for (const input of $("exercise-answers").querySelectorAll("input")) {
      const text = input.value.trim();
      if (text === "") continue;
      const value = Number(text);
      if (!Number.isFinite(value)) {
        say(`dL/d${input.dataset.node}: ${JSON.stringify(text)} is not a number`, "error");
        return null;
      }
      answers[input.dataset.node] = value;
    }
    return answers;
  }

  // "Copy my answers": the rows the teacher's grade reads (student, exercise, node, answer), made by
  // Python, put on the clipboard and shown, selected, in case the clipboard is not allowed.
  async function copy() {
    if (!exercise) return null;
    const answers = given();
    if (answers === null) return null;
    let rows;
    try {
      rows = await py.call("exercise_rows", { answers });
    } catch (error) {
      say(error.message, "error");
      return null;
    }
    const box = $("exercise-rows");
    box.value = rows;
    box.hidden = false;
    box.rows = Math.min(12, rows.split("\n").length);
    box.select();
    const count = rows.trim().split("\n").length - 1;
    try {
      await navigator.clipboard.writeText(rows);
      say(`copied ${count} rows for the teacher (student, exercise, node, answer)`);
    } catch {
      say(`${count} rows for the teacher are selected below: copy them (Ctrl+C)`);
    }
    return rows;
  }

  async function check() {
    if (!exercise) return null;
    const answers = given();
    if (answers === null) return null;
    let report;
    try {
      report = await py.call("check_exercise", { answers });
    } catch (error) {
      say(error.message, "error");
      return null;
    }
    for (const input of $("exercise-answers").querySelectorAll("input")) {
      const mark = input.parentElement.nextSibling;
      const result = report.results[input.dataset.node];
      mark.textContent = result === "right" ? "✓ right" : result === "wrong" ? "✗ wrong" : "";
      mark.className = `mark ${result}`;
    }
    $("exercise-diagnosis").textContent = report.message;
    // The marks in view: the first wrong answer's row, else the diagnosis (scrolling the tab only).
    const wrong = $("exercise-answers").querySelector(".mark.wrong")?.closest("tr");
    reveal($("tab-exercise"), wrong ?? $("exercise-diagnosis"));
    return report;
  }

  // A class's link (#class=...&level=...&count=..., Python reads it): the class code and level
  // filled in and exercises 1 to count to choose from; true when the page's link is one.
  async function fromLink() {
    const found = await py.call("class_from_link", { fragment: location.hash });
    if (!found) return false;
    $("exercise-course").value = found.course;
    $("exercise-level").value = String(found.level);
    $("exercise-number").max = String(found.count);
    $("exercise-number").value = "1";
    classCodeChanged();
    return true;
  }

  // "Link for the class" (the teacher's): this page's address with the class code, the level and the
  // exercise number shown as the count of exercises, copied (and shown, in case the clipboard is not allowed).
  async function classLink() {
    const { course, number } = forClass();
    let fragment;
    try {
      fragment = await py.call("class_link", { course, level: Number($("exercise-level").value), count: number });
    } catch (error) {
      say(error.message, "error");
      return null;
    }
    const url = `${location.origin}${location.pathname}${fragment}`;
    try {
      await navigator.clipboard.writeText(url);
      say(`Link for the class copied (exercises 1 to ${number}): ${url}`);
    } catch {
      say(`The link for the class (copy it): ${url}`);
    }
    return url;
  }

  // With a class code, the seed comes from it and the id: the seed field is not used, and says so.
  function classCodeChanged() {
    const classy = $("exercise-course").value.trim() !== "";
    $("exercise-seed").disabled = classy;
    $("exercise-seed").title = classy ? "The class code and your id make the seed" : "";
  }
  $("exercise-course").addEventListener("input", classCodeChanged);

  $("exercise-new").addEventListener("click", create);
  $("exercise-class-link").addEventListener("click", classLink);
  $("exercise-student").addEventListener("keydown", (event) => {
    if (event.key === "Enter") create();
  });
  $("exercise-check").addEventListener("click", check);
  $("exercise-copy").addEventListener("click", copy);
  $("exercise-answers").addEventListener("keydown", (event) => {
    if (event.key === "Enter") check();
  });

  return { create, show, check, copy, fromLink, classLink };
}
