package dev.honest.launcher;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the kubelet mounts into a Job's first container, rebuilt on disk under a root directory:
 * each volume mount at its mount path, with ConfigMap and Secret volumes, projected ConfigMap
 * sources, items (key to path) or all keys, and emptyDirs. A ConfigMap, Secret or key that is not
 * there fails, as the mount would.
 */
public final class PodVolumes {
  private PodVolumes() {}

  /**
   * @param configMaps ConfigMap by name, null when there is none
   * @param secrets Secret by name, null when there is none
   */
  public static void mount(Job job, Function<String, ConfigMap> configMaps, Function<String, Secret> secrets,
      Path root) throws IOException {
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    for (VolumeMount mount : container.getVolumeMounts()) {
      Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
          .orElseThrow(() -> new IllegalStateException("no volume " + mount.getName()));
      Path dir = root.resolve(mount.getMountPath().substring(1));
      Files.createDirectories(dir);
      if (volume.getConfigMap() != null) {
        write(dir, configMap(configMaps, volume.getConfigMap().getName()), volume.getConfigMap().getItems());
      } else if (volume.getSecret() != null) {
        Secret secret = secrets.apply(volume.getSecret().getSecretName());
        if (secret == null) {
          throw new IllegalStateException("Secret " + volume.getSecret().getSecretName() + " is not there");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        secret.getData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
        write(dir, data, volume.getSecret().getItems());
      } else if (volume.getProjected() != null) {
        for (VolumeProjection source : volume.getProjected().getSources()) {
          write(dir, configMap(configMaps, source.getConfigMap().getName()), source.getConfigMap().getItems());
        }
      }
    }
  }

  private static Map<String, byte[]> configMap(Function<String, ConfigMap> configMaps, String name) {
    ConfigMap configMap = configMaps.apply(name);
    if (configMap == null) {
      throw new IllegalStateException("ConfigMap " + name + " is not there");
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (configMap.getData() != null) {
      configMap.getData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    if (configMap.getBinaryData() != null) {
      configMap.getBinaryData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
    }
    return data;
  }

  private static void write(Path dir, Map<String, byte[]> data, List<KeyToPath> items) throws IOException {
    if (items == null || items.isEmpty()) {
      for (Map.Entry<String, byte[]> e : data.entrySet()) {
        Files.write(dir.resolve(e.getKey()), e.getValue());
      }
      return;
    }
    for (KeyToPath item : items) {
      byte[] bytes = data.get(item.getKey());
      if (bytes == null) {
        throw new IllegalStateException("key " + item.getKey() + " is not there");
      }
      Path target = dir.resolve(item.getPath());
      Files.createDirectories(target.getParent());
      Files.write(target, bytes);
    }
  }
}
