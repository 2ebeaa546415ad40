package io.dualstream.connect.redis;

import io.dualstream.connect.redis.config.InvalidSettingException;
import io.dualstream.connect.redis.config.RedisPubSubSinkConfig;
import io.dualstream.connect.redis.publish.RedisProbe;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;

import java.util.List;
import java.util.Map;

/**
 * The connector's {@code validate()}, in three steps, each only once the previous found nothing: every setting on
 * its own ({@code ConfigDef}), the settings together (building the configuration, once), then Redis itself (one
 * probe, through the dialer). Every error is reported on the setting to fix.
 */
final class Validator {

    private final RedisProbe.Dialer dialer;

    Validator(RedisProbe.Dialer dialer) {
        this.dialer = dialer;
    }

    Config validate(Map<String, String> props) {
        List<ConfigValue> values = RedisPubSubSinkConfig.CONFIG_DEF.validate(props);
        if (values.stream().allMatch(value -> value.errorMessages().isEmpty())) {
            Map<String, String> errors;
            try {
                errors = RedisProbe.check(new RedisPubSubSinkConfig(props), dialer);
            } catch (InvalidSettingException e) {
                errors = e.reasons();
            }
            for (ConfigValue value : values) {
                String error = errors.get(value.name());
                if (error != null) {
                    value.addErrorMessage(error);
                }
            }
        }
        return new Config(values);
    }
}
