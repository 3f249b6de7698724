package dev.honest.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small project with four tasks over two files (one task a fix, one without files). */
public final class SmallProject {
  public static final String APP = "src/app.js";
  public static final String DB = "src/db.js";

  private SmallProject() {}

  /** Writes the workspace's files and returns the task file, written next to it. */
  public static Path write(Path workspace) throws IOException {
    Files.createDirectories(workspace.resolve("src"));
    Files.writeString(workspace.resolve(APP), "const el = document.getElementById('name');\n"
        + "el.innerHTML = location.hash.slice(1);\n");
    Files.writeString(workspace.resolve(DB), "function find(id) {\n"
        + "  return db.query('SELECT * FROM users WHERE id=' + id);\n}\n");
    Path tasks = workspace.resolveSibling(workspace.getFileName() + "-tasks.json");
    Files.writeString(tasks, """
        [
          {"Task ID": "A-1", "Title": "Check the page for XSS", "Priority": "critical", "Files": "src/app.js"},
          {"Task ID": "A-2", "Title": "Parameterise the user query", "Priority": "high", "Files": "src/db.js",
           "Action": "fix"},
          {"Task ID": "A-3", "Title": "Write a release checklist", "Priority": "low"},
          {"Task ID": "A-4", "Title": "Trace user input to the database", "Priority": "medium",
           "Files": "src/app.js, src/db.js"}
        ]
        """);
    return tasks;
  }
}
