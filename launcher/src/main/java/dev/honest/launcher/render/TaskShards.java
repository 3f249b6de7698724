package dev.honest.launcher.render;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerSlice;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tasks of a run too large for {@code orchestrator-config}, as {@link ConfigLayout} defines
 * them: each worker's slice cut into shard files {@code tasks-worker-W-part-P-of-N.json} (a JSON
 * array, one task per line), packed in plan order into the ConfigMaps {@code orchestrator-config-tasks-}1..K, and
 * for each worker the projections that mount its own shards, and no other's, into its config
 * directory. A ConfigMap is closed when the next shard would take it over the 1 MiB limit.
 *
 * @param configMaps {@code orchestrator-config-tasks-}1..K
 * @param sources per worker index, one projection per ConfigMap holding its shards, items mapping
 *     each shard key to the same file name
 */
record TaskShards(List<ConfigMap> configMaps, Map<Integer, List<VolumeProjection>> sources) {
  /** @param taskLines each task's compact JSON, by id */
  static TaskShards of(String namespace, Map<String, String> labels, Plan plan, Map<String, String> taskLines)
      throws RenderException {
    List<Map<String, String>> packs = new ArrayList<>();
    Map<String, String> current = new LinkedHashMap<>();
    long used = 0;
    // per worker, per pack holding some of its shards (in order): the items mounting them
    Map<Integer, Map<Integer, List<KeyToPath>>> items = new LinkedHashMap<>();
    for (WorkerSlice slice : plan.workers()) {
      List<String> parts = parts(slice, taskLines);
      for (int p = 0; p < parts.size(); p++) {
        String key = ConfigLayout.shardFile(slice.index(), p + 1, parts.size());
        long size = ConfigMapSize.textEntry(key, parts.get(p));
        if (used + size > ConfigMapSize.DATA_BUDGET) {
          packs.add(current);
          current = new LinkedHashMap<>();
          used = 0;
        }
        current.put(key, parts.get(p));
        used += size;
        items.computeIfAbsent(slice.index(), w -> new LinkedHashMap<>())
            .computeIfAbsent(packs.size(), k -> new ArrayList<>())
            .add(new KeyToPathBuilder().withKey(key).withPath(key).build());
      }
    }
    if (!current.isEmpty()) {
      packs.add(current);
    }

    List<ConfigMap> configMaps = new ArrayList<>();
    for (Map<String, String> data : packs) {
      configMaps.add(new ConfigMapBuilder()
          .withNewMetadata()
          .withName(Renderer.TASK_SHARDS + (configMaps.size() + 1))
          .withNamespace(namespace)
          .withLabels(labels)
          .endMetadata()
          .withData(data)
          .build());
    }
    Map<Integer, List<VolumeProjection>> sources = new HashMap<>();
    items.forEach((worker, byPack) -> sources.put(worker, byPack.entrySet().stream()
        .map(e -> new VolumeProjectionBuilder()
            .withNewConfigMap().withName(Renderer.TASK_SHARDS + (e.getKey() + 1)).withItems(e.getValue()).endConfigMap()
            .build())
        .toList()));
    return new TaskShards(configMaps, sources);
  }

  /**
   * The slice's tasks as shard texts, each within one ConfigMap's budget: a task's cost is that of
   * its own line as a ConfigMap entry, which is more than it adds to the shard's.
   */
  private static List<String> parts(WorkerSlice slice, Map<String, String> taskLines) throws RenderException {
    long frame = ConfigMapSize.textEntry(ConfigLayout.shardFile(slice.index(), 1, 1) + "0000", "[\n\n]\n");
    List<String> parts = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    long used = frame;
    for (String id : slice.tasks()) {
      String line = taskLines.get(id);
      long size = ConfigMapSize.textEntry("", line + ",\n");
      if (frame + size > ConfigMapSize.DATA_BUDGET) {
        throw new RenderException("task " + id + " is " + line.length() + " characters as JSON: larger than one"
            + " ConfigMap can hold (" + ConfigMapSize.DATA_BUDGET + " bytes of data within the 1 MiB limit)");
      }
      if (used + size > ConfigMapSize.DATA_BUDGET) {
        parts.add(text(lines));
        lines.clear();
        used = frame;
      }
      lines.add(line);
      used += size;
    }
    if (!lines.isEmpty()) {
      parts.add(text(lines));
    }
    return parts;
  }

  private static String text(List<String> lines) {
    return "[\n" + String.join(",\n", lines) + "\n]\n";
  }
}
