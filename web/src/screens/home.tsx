import { lazy, Suspense } from "react";
import { Cell, CellSpace, Icon, Page, Section } from "../components/layout";
import { useMainButton } from "../hooks/use-main-button";
import { formatPhone, useTexts } from "../i18n";
import { useNavigation } from "../navigation-context";
import { useSession } from "../session";

// Balance and tier arrive after home has shown, in their own chunk (decision 006's budget).
const PointsLine = lazy(() =>
  import("../points/points-line").then((module) => ({ default: module.PointsLine })),
);

// The restaurant's answer to the guest's review, only when /api/me says there is one: its own chunk too.
const ReviewAnswerCard = lazy(() =>
  import("../review/review-answer-card").then((module) => ({ default: module.ReviewAnswerCard })),
);

/** The registered guest's start: who they are, and one tap to the card the till needs. */
export function HomeScreen() {
  const { me } = useSession();
  const texts = useTexts();
  const { navigate } = useNavigation();
  useMainButton({ text: texts.showCard, onClick: () => navigate("card") });

  const name = me.account?.firstName ?? me.user.firstName;
  const fullName = me.account ? [me.account.firstName, me.account.lastName].join(" ") : name;
  return (
    <Page>
      <button type="button" className="loyalty-card" onClick={() => navigate("card")}>
        <span className="loyalty-card-brand">{me.restaurantName}</span>
        <span className="loyalty-card-name">{fullName}</span>
        <span className="loyalty-card-phone">{me.phone ? formatPhone(me.phone) : ""}</span>
        <span className="loyalty-card-qr">
          <Icon name="qr" />
        </span>
      </button>
      <h1 className="page-title">{texts.hello(name)}</h1>
      <p className="page-intro">{texts.homeText}</p>
      {me.reviewAnswerUnread && (
        <Suspense fallback={null}>
          <ReviewAnswerCard />
        </Suspense>
      )}
      <Section>
        <Suspense fallback={<CellSpace />}>
          <PointsLine />
        </Suspense>
        <Cell
          icon={<Icon name="card" />}
          title={texts.cardTitle}
          hint={texts.cardHint}
          onClick={() => navigate("card")}
        />
        <Cell
          icon={<Icon name="review" />}
          title={texts.reviewTitle}
          hint={texts.reviewHint}
          onClick={() => navigate("review")}
        />
        <Cell
          icon={<Icon name="shield" />}
          title={texts.myDataTitle}
          hint={texts.myDataHint}
          onClick={() => navigate("my-data")}
        />
      </Section>
      {me.isManager && (
        <Section>
          <Cell
            icon={<Icon name="chart" />}
            title={texts.managerTitle}
            hint={texts.managerHint}
            onClick={() => navigate("manager")}
          />
        </Section>
      )}
    </Page>
  );
}
