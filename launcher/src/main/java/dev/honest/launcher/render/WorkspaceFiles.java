package dev.honest.launcher.render;

import dev.honest.common.io.IoProblems;
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
import java.util.HashMap;
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

  static WorkspaceFiles pack(String namespace, String job, Map<String, String> labels, Contents contents,
      List<String> files) throws RenderException {
    List<Pack> packs = new ArrayList<>();
    Pack current = new Pack();
    int key = 0;
    for (String path : new TreeSet<>(files)) {
      Content content = contents.get(path);
      String k = String.format("f%04d", ++key);
      long size = ConfigMapSize.entry(k, content.size());
      if (size > ConfigMapSize.DATA_BUDGET) {
        throw new RenderException("task file '" + path + "' is " + content.bytes() + " bytes (" + size
            + " in a ConfigMap" + (content.text() == null ? ", as base64" : "") + "): larger than one ConfigMap can"
            + " hold (" + ConfigMapSize.DATA_BUDGET + " bytes of data within the 1 MiB limit)", path, null);
      }
      if (current.used + size > ConfigMapSize.DATA_BUDGET) {
        packs.add(current);
        current = new Pack();
      }
      if (content.text() != null) {
        current.data.put(k, content.text());
      } else {
        current.binaryData.put(k, content.base64());
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
   * The workspace's files as they go into ConfigMaps, each read, checked and measured once however
   * many workers' tasks name it (the same String then sits in each of their ConfigMaps).
   */
  static final class Contents {
    private final Path workspace;
    private final Map<String, Content> read = new HashMap<>();

    Contents(Path workspace) {
      this.workspace = workspace;
    }

    Content get(String path) throws RenderException {
      Content content = read.get(path);
      if (content == null) {
        content = load(path);
        read.put(path, content);
      }
      return content;
    }

    private Content load(String path) throws RenderException {
      checkMountable(path);
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(workspace.resolve(path));
      } catch (IOException e) {
        throw new RenderException("task file '" + path + "' cannot be read from workspace " + workspace + ": "
            + IoProblems.why(e, workspace.resolve(path)), path, e);
      }
      String text = text(bytes);
      return text != null ? new Content(text, null, bytes.length, ConfigMapSize.textValue(text))
          : new Content(null, Base64.getEncoder().encodeToString(bytes), bytes.length,
              ConfigMapSize.binaryValue(bytes.length));
    }
  }

  /** One file: its text, or its base64 when it is not text; its length; the size of that value in a ConfigMap. */
  private record Content(String text, String base64, int bytes, long size) {}

  /**
   * Kubernetes mounts an item only at a relative path without {@code ..} elements and not
   * starting with {@code ..} (the kubelet keeps its {@code ..data} there: the API server refuses
   * such a path); empty and {@code .} elements or backslashes would make the mounted tree differ
   * from the workspace.
   */
  private static void checkMountable(String path) throws RenderException {
    boolean ok = !path.isEmpty() && !path.startsWith("/") && !path.startsWith("..") && path.indexOf('\\') < 0
        && path.indexOf('\0') < 0;
    for (String element : path.split("/", -1)) {
      ok &= !element.isEmpty() && !element.equals(".") && !element.equals("..");
    }
    if (!ok) {
      throw new RenderException("task file '" + path
          + "' cannot be mounted: expected a workspace-relative path with '/' separators, no '.', '..' or empty parts,"
          + " not starting with '..'", path, null);
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
