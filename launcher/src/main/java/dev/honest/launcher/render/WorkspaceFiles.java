package dev.honest.launcher.render;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One worker's task files as ConfigMaps {@code k8s-worker-N-files-K}, and the projected-volume
 * sources that mount every key back at its workspace-relative path under the workspace mount.
 * Keys are {@code f0001}, {@code f0002}, ... (file names may hold characters a key cannot). UTF-8
 * text goes into {@code data}, anything else into {@code binaryData}, so the mounted bytes are the
 * workspace bytes. Files are packed in path order; a ConfigMap is closed when the next file would
 * take it over the 1 MiB limit.
 *
 * @param configMaps the worker's file ConfigMaps, none when its tasks name no files
 * @param sources one projection per ConfigMap, its items mapping keys to paths
 */
record WorkspaceFiles(List<ConfigMap> configMaps, List<VolumeProjection> sources) {

  static WorkspaceFiles pack(
      String namespace, String job, Map<String, String> labels, Path workspace, List<String> files)
      throws RenderException {
    List<Pack> packs = new ArrayList<>();
    Pack current = new Pack();
    int key = 0;
    for (String path : new TreeSet<>(files)) {
      checkMountable(path);
      byte[] bytes = read(workspace, path);
      String k = String.format("f%04d", ++key);
      String text = text(bytes);
      long size = text != null ? ConfigMapSize.textEntry(k, text) : ConfigMapSize.binaryEntry(k, bytes.length);
      if (size > ConfigMapSize.DATA_BUDGET) {
        throw new RenderException("task file '" + path + "' is " + bytes.length + " bytes (" + size
            + " in a ConfigMap" + (text == null ? ", as base64" : "") + "): larger than one ConfigMap can hold ("
            + ConfigMapSize.DATA_BUDGET + " bytes of data within the 1 MiB limit)");
      }
      if (current.used + size > ConfigMapSize.DATA_BUDGET) {
        packs.add(current);
        current = new Pack();
      }
      if (text != null) {
        current.data.put(k, text);
      } else {
        current.binaryData.put(k, Base64.getEncoder().encodeToString(bytes));
      }
      current.items.add(new KeyToPathBuilder().withKey(k).withPath(path).build());
      current.used += size;
    }
    if (!current.items.isEmpty()) {
      packs.add(current);
    }

    List<ConfigMap> configMaps = new ArrayList<>();
    List<VolumeProjection> sources = new ArrayList<>();
    for (Pack pack : packs) {
      String name = job + "-files-" + (configMaps.size() + 1);
      configMaps.add(new ConfigMapBuilder()
          .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
          .withData(pack.data)
          .withBinaryData(pack.binaryData)
          .build());
      sources.add(new VolumeProjectionBuilder()
          .withNewConfigMap().withName(name).withItems(pack.items).endConfigMap()
          .build());
    }
    return new WorkspaceFiles(configMaps, sources);
  }

  /**
   * Kubernetes mounts an item only at a relative path without {@code ..} elements; empty and
   * {@code .} elements or backslashes would make the mounted tree differ from the workspace.
   */
  private static void checkMountable(String path) throws RenderException {
    boolean ok = !path.isEmpty() && !path.startsWith("/") && path.indexOf('\\') < 0 && path.indexOf('\0') < 0;
    for (String element : path.split("/", -1)) {
      ok &= !element.isEmpty() && !element.equals(".") && !element.equals("..");
    }
    if (!ok) {
      throw new RenderException("task file '" + path
          + "' cannot be mounted: expected a workspace-relative path with '/' separators and no '.', '..' or empty parts");
    }
  }

  private static byte[] read(Path workspace, String path) throws RenderException {
    try {
      return Files.readAllBytes(workspace.resolve(path));
    } catch (IOException e) {
      throw new RenderException("task file '" + path + "' cannot be read from workspace " + workspace + ": " + e, e);
    }
  }

  /** The content of one ConfigMap while it is filled. */
  private static final class Pack {
    final Map<String, String> data = new LinkedHashMap<>();
    final Map<String, String> binaryData = new LinkedHashMap<>();
    final List<KeyToPath> items = new ArrayList<>();
    long used;
  }

  /**
   * The file as text when it is valid UTF-8 without control characters other than tab, line feed
   * and carriage return (those would need escapes in YAML and may not survive every tool); null
   * otherwise, and the file goes into binaryData.
   */
  private static String text(byte[] bytes) {
    String s;
    try {
      s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean control = c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c >= 0x7f && c <= 0x9f;
      if (control || c == '\uFEFF' || c == '\uFFFE' || c == '\uFFFF') {
        return null;
      }
    }
    return s;
  }
}
